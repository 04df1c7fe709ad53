package io.molesignal.core.internal.vrl;

import java.util.HashMap;
import java.util.Map;

import io.molesignal.core.MoleSignalException;

/** Compile-time state: local variable slots and their static types (by program order, unions at joins). */
final class Checker {
    private final Map<String, Integer> slots = new HashMap<>();
    Map<String, Integer> types = new HashMap<>();

    int slot(String name) {
        return slots.computeIfAbsent(name, n -> slots.size());
    }

    boolean defined(String name) {
        return slots.containsKey(name);
    }

    int localCount() {
        return slots.size();
    }

    int typeOf(String name) {
        Integer t = types.get(name);
        // defined on some path only: may still be null at run time
        return t == null ? Values.ANY : t;
    }

    void assign(String name, int type) {
        slot(name);
        types.put(name, type);
    }

    /** The static type of an event path: known after the program assigned it, else any. */
    int pathType(Object[] segs) {
        if (segs.length == 0) {
            return Values.OBJECT;
        }
        Integer t = types.get("." + Paths.fieldName(segs));
        return t == null ? Values.ANY : t;
    }

    /**
     * Records an assignment to an event path: forgets what was known below the same top-level field (indices may
     * alias) and, for an object literal, learns the types of its fields.
     */
    void assignPath(Object[] segs, int type, Node value) {
        if (segs.length == 0) {
            types.keySet().removeIf(k -> k.startsWith("."));
        } else {
            String top = "." + segs[0];
            types.keySet().removeIf(k -> k.equals(top) || k.startsWith(top + ".") || k.startsWith(top + "["));
            types.put("." + Paths.fieldName(segs), type);
        }
        learn(segs, value);
    }

    /** Forgets what was known about a path and everything under its top-level field (del). */
    void forgetPath(Object[] segs) {
        if (segs.length == 0) {
            types.keySet().removeIf(k -> k.startsWith("."));
        } else {
            String top = "." + segs[0];
            types.keySet().removeIf(k -> k.equals(top) || k.startsWith(top + ".") || k.startsWith(top + "["));
        }
    }

    private void learn(Object[] segs, Node value) {
        if (value instanceof Node.ObjectLit lit) {
            for (int i = 0; i < lit.keys.size(); i++) {
                Object[] child = java.util.Arrays.copyOf(segs, segs.length + 1);
                child[segs.length] = lit.keys.get(i);
                types.put("." + Paths.fieldName(child), lit.values.get(i).type);
                learn(child, lit.values.get(i));
            }
        }
    }

    /** Merges the variable types of branches: a variable's type after the join is the union over branches. */
    void join(Map<String, Integer> before, java.util.List<Map<String, Integer>> branches, boolean exhaustive) {
        Map<String, Integer> out = new HashMap<>();
        java.util.List<Map<String, Integer>> all = new java.util.ArrayList<>(branches);
        if (!exhaustive) {
            all.add(before);
        }
        for (Map<String, Integer> b : all) {
            for (Map.Entry<String, Integer> e : b.entrySet()) {
                out.merge(e.getKey(), e.getValue(), (x, y) -> x | y);
            }
        }
        for (Map.Entry<String, Integer> e : out.entrySet()) {
            for (Map<String, Integer> b : all) {
                if (!b.containsKey(e.getKey())) {
                    // a variable unset on a path is null there; an event path not assigned is unknown
                    e.setValue(e.getKey().startsWith(".") ? Values.ANY : e.getValue() | Values.NULL);
                }
            }
        }
        types = out;
    }

    static MoleSignalException error(Node at, String message) {
        return Lexer.error(message, at.line, at.column);
    }

    /** Fails when a statement leaves a fallible expression unhandled. */
    static void requireHandled(Node stmt) {
        Node u = stmt.unhandled;
        if (u != null) {
            throw error(u, "unhandled fallible expression: " + u.describeFailure()
                    + "; handle the error with '!' on the call, '??' or 'ok, err = ...'");
        }
    }
}
