package io.molesignal.core.internal.vrl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * An expression of the syntax tree, which is also its evaluator. {@link #check} runs once at compile time and sets
 * the static type, the first unhandled fallible sub-expression and the local slots; {@link #eval} runs per event.
 */
abstract class Node {
    final int line;
    final int column;
    /** Static type: a mask of {@link Values} kinds. */
    int type = Values.ANY;
    /** The first fallible expression in this subtree whose error nothing handles, or null. */
    @Nullable Node unhandled;

    Node(int line, int column) {
        this.line = line;
        this.column = column;
    }

    abstract @Nullable Object eval(Frame f);

    abstract void check(Checker c);

    /** Whether eval returns a container nobody else references (so assigning it needs no copy). */
    boolean fresh() {
        return false;
    }

    /** Whether the value is known at compile time. */
    boolean constant() {
        return false;
    }

    /** For an unhandled fallible node: what can fail. */
    String describeFailure() {
        return "this expression can fail";
    }

    static @Nullable Node firstUnhandled(@Nullable Node... nodes) {
        for (Node n : nodes) {
            if (n != null && n.unhandled != null) {
                return n.unhandled;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------- literals

    static final class Literal extends Node {
        final @Nullable Object value;

        Literal(int line, int column, @Nullable Object value) {
            super(line, column);
            this.value = value;
            this.type = Values.kindOf(value);
        }

        @Override
        @Nullable Object eval(Frame f) {
            return value;
        }

        @Override
        void check(Checker c) {
        }

        @Override
        boolean constant() {
            return true;
        }
    }

    static final class ArrayLit extends Node {
        final List<Node> items;

        ArrayLit(int line, int column, List<Node> items) {
            super(line, column);
            this.items = items;
            this.type = Values.ARRAY;
        }

        @Override
        Object eval(Frame f) {
            f.tick();
            List<Object> out = new ArrayList<>(items.size());
            for (Node n : items) {
                Object v = n.eval(f);
                out.add(n.fresh() ? v : Values.copy(v));
            }
            return out;
        }

        @Override
        void check(Checker c) {
            for (Node n : items) {
                n.check(c);
                if (unhandled == null) {
                    unhandled = n.unhandled;
                }
            }
        }

        @Override
        boolean fresh() {
            return true;
        }

        @Override
        boolean constant() {
            return items.stream().allMatch(Node::constant);
        }
    }

    static final class ObjectLit extends Node {
        final List<String> keys;
        final List<Node> values;

        ObjectLit(int line, int column, List<String> keys, List<Node> values) {
            super(line, column);
            this.keys = keys;
            this.values = values;
            this.type = Values.OBJECT;
        }

        @Override
        Object eval(Frame f) {
            f.tick();
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, keys.size() * 2));
            for (int i = 0; i < keys.size(); i++) {
                Node n = values.get(i);
                Object v = n.eval(f);
                out.put(keys.get(i), n.fresh() ? v : Values.copy(v));
            }
            return out;
        }

        @Override
        void check(Checker c) {
            for (Node n : values) {
                n.check(c);
                if (unhandled == null) {
                    unhandled = n.unhandled;
                }
            }
        }

        @Override
        boolean fresh() {
            return true;
        }

        @Override
        boolean constant() {
            return values.stream().allMatch(Node::constant);
        }
    }

    // ------------------------------------------------------------------------------------------------------- paths

    /** {@code .}, {@code .a.b}, {@code .a[0]}: a path into the event. */
    static final class EventPath extends Node {
        final Object[] segs;
        private final @Nullable String single;

        EventPath(int line, int column, Object[] segs) {
            super(line, column);
            this.segs = segs;
            this.single = segs.length == 1 && segs[0] instanceof String s ? s : null;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            if (single != null) {
                return f.root instanceof Map<?, ?> m ? Values.norm(m.get(single)) : null;
            }
            return Paths.get(f.root, segs);
        }

        @Override
        void check(Checker c) {
            type = c.pathType(segs);
        }

        void assign(Frame f, @Nullable Object value) {
            if (segs.length == 0) {
                f.root = value;
            } else {
                f.root = Paths.set(f.root, segs, 0, value, f);
            }
        }
    }

    /** A local variable, optionally followed by a path into its value. */
    static final class Var extends Node {
        final String name;
        final Object[] segs;
        int slot = -1;

        Var(int line, int column, String name, Object[] segs) {
            super(line, column);
            this.name = name;
            this.segs = segs;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            Object v = f.locals[slot];
            return segs.length == 0 ? v : Paths.get(v, segs);
        }

        @Override
        void check(Checker c) {
            if (!c.defined(name)) {
                throw Checker.error(this, "undefined variable '" + name + "'");
            }
            slot = c.slot(name);
            type = segs.length == 0 ? c.typeOf(name) : Values.ANY;
        }

        /** Compile-time half of an assignment to this variable. */
        void checkTarget(Checker c, int valueType) {
            if (segs.length == 0) {
                c.assign(name, valueType);
            } else if (!c.defined(name)) {
                c.assign(name, Values.OBJECT | Values.ARRAY);
            } else {
                c.assign(name, c.typeOf(name) & (Values.OBJECT | Values.ARRAY) | Values.OBJECT);
            }
            slot = c.slot(name);
        }

        void assign(Frame f, @Nullable Object value) {
            f.locals[slot] = segs.length == 0 ? value : Paths.set(f.locals[slot], segs, 0, value, f);
        }
    }

    /** A path applied to the value of any other expression: {@code parse_json!(.m).a}. */
    static final class Query extends Node {
        final Node base;
        final Object[] segs;

        Query(int line, int column, Node base, Object[] segs) {
            super(line, column);
            this.base = base;
            this.segs = segs;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            return Paths.get(base.eval(f), segs);
        }

        @Override
        void check(Checker c) {
            base.check(c);
            unhandled = base.unhandled;
        }

        @Override
        boolean fresh() {
            return base.fresh();
        }
    }

    // ------------------------------------------------------------------------------------------------- assignment

    static final class Assign extends Node {
        final Node target;
        final Node value;

        Assign(int line, int column, Node target, Node value) {
            super(line, column);
            this.target = target;
            this.value = value;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            Object v = value.eval(f);
            Object stored = value.fresh() ? v : Values.copy(v);
            store(target, f, stored);
            return v;
        }

        static void store(Node target, Frame f, @Nullable Object v) {
            if (target instanceof EventPath p) {
                p.assign(f, v);
            } else if (target instanceof Var var) {
                var.assign(f, v);
            }
        }

        @Override
        void check(Checker c) {
            value.check(c);
            unhandled = value.unhandled;
            type = value.type;
            checkTarget(c, target, value.type, value);
        }

        static void checkTarget(Checker c, Node target, int valueType, @Nullable Node value) {
            if (target instanceof Var var) {
                var.checkTarget(c, valueType);
            } else if (target instanceof EventPath p) {
                if (p.segs.length == 0 && (valueType & Values.OBJECT) == 0) {
                    throw Checker.error(target, "the event root can only be assigned an object");
                }
                c.assignPath(p.segs, valueType, value);
            }
        }
    }

    /** {@code ok, err = expr}: the error goes to {@code err} (null on success), {@code ok} gets the value. */
    static final class AssignTwo extends Node {
        final Node ok;
        final Node err;
        final Node value;
        private @Nullable Object defaultValue;
        private boolean defaultIsContainer;

        AssignTwo(int line, int column, Node ok, Node err, Node value) {
            super(line, column);
            this.ok = ok;
            this.err = err;
            this.value = value;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            Object v;
            try {
                v = value.eval(f);
            } catch (VrlFailure e) {
                if (!e.catchable()) {
                    throw e;
                }
                Assign.store(ok, f, defaultIsContainer ? Values.copy(defaultValue) : defaultValue);
                Assign.store(err, f, e.getMessage());
                return e.getMessage();
            }
            Assign.store(ok, f, value.fresh() ? v : Values.copy(v));
            Assign.store(err, f, null);
            return v;
        }

        @Override
        void check(Checker c) {
            value.check(c);
            // the value's own errors are handled here; only its unhandled sub-expressions... are handled too
            unhandled = null;
            type = value.type;
            defaultValue = switch (value.type) {
                case Values.STRING -> "";
                case Values.INT -> 0L;
                case Values.FLOAT -> 0.0;
                case Values.BOOL -> Boolean.FALSE;
                case Values.ARRAY -> new ArrayList<>();
                case Values.OBJECT -> new LinkedHashMap<>();
                default -> null;
            };
            defaultIsContainer = defaultValue instanceof List || defaultValue instanceof Map;
            Assign.checkTarget(c, ok, value.type | (defaultValue == null ? Values.NULL : 0), null);
            Assign.checkTarget(c, err, Values.STRING | Values.NULL, null);
        }
    }

    /** The target {@code _}: the value is dropped. */
    static final class Discard extends Node {
        Discard(int line, int column) {
            super(line, column);
        }

        @Override
        @Nullable Object eval(Frame f) {
            return null;
        }

        @Override
        void check(Checker c) {
        }
    }

    // -------------------------------------------------------------------------------------------------- operators

    static final class Not extends Node {
        final Node operand;

        Not(int line, int column, Node operand) {
            super(line, column);
            this.operand = operand;
            this.type = Values.BOOL;
        }

        @Override
        Object eval(Frame f) {
            f.tick();
            Object v = operand.eval(f);
            if (v instanceof Boolean b) {
                return !b;
            }
            throw VrlFailure.error("negation: " + Values.typeError(Values.BOOL, v).getMessage());
        }

        @Override
        void check(Checker c) {
            operand.check(c);
            unhandled = operand.unhandled;
            if (unhandled == null && operand.type != Values.BOOL) {
                unhandled = this;
            }
        }

        @Override
        String describeFailure() {
            return "'!' needs a boolean and its operand is " + Values.typeName(operand.type);
        }
    }

    static final class Neg extends Node {
        final Node operand;

        Neg(int line, int column, Node operand) {
            super(line, column);
            this.operand = operand;
        }

        @Override
        Object eval(Frame f) {
            f.tick();
            Object v = operand.eval(f);
            if (v instanceof Long l) {
                if (l == Long.MIN_VALUE) {
                    throw VrlFailure.fatal("integer overflow");
                }
                return -l;
            }
            if (v instanceof Double d) {
                return -d;
            }
            throw VrlFailure.error("negation: " + Values.typeError(Values.NUMBER, v).getMessage());
        }

        @Override
        void check(Checker c) {
            operand.check(c);
            unhandled = operand.unhandled;
            type = operand.type & Values.NUMBER;
            if (type == 0) {
                type = Values.NUMBER;
            }
            if (unhandled == null && (operand.type & ~Values.NUMBER) != 0) {
                unhandled = this;
            }
        }

        @Override
        String describeFailure() {
            return "'-' needs a number and its operand is " + Values.typeName(operand.type);
        }
    }

    enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    static final class Binary extends Node {
        final Op op;
        final Node left;
        final Node right;

        Binary(int line, int column, Op op, Node left, Node right) {
            super(line, column);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            Object a = left.eval(f);
            Object b = right.eval(f);
            return switch (op) {
                case EQ -> Values.eq(a, b);
                case NE -> !Values.eq(a, b);
                case ADD -> add(f, a, b);
                case SUB, MUL, DIV -> arith(f, a, b);
                default -> compare(a, b);
            };
        }

        private Object add(Frame f, @Nullable Object a, @Nullable Object b) {
            if (a instanceof String x && b instanceof String y) {
                if ((long) x.length() + y.length() > f.maxValueBytes) {
                    throw VrlFailure.fatal("a string value exceeded the limit of " + f.maxValueBytes + " bytes");
                }
                return f.checkString(x.concat(y));
            }
            return arith(f, a, b);
        }

        private Object arith(Frame f, @Nullable Object a, @Nullable Object b) {
            if (a instanceof Long x && b instanceof Long y) {
                try {
                    return switch (op) {
                        case ADD -> Math.addExact(x, y);
                        case SUB -> Math.subtractExact(x, y);
                        case MUL -> Math.multiplyExact(x, y);
                        default -> divide(x.doubleValue(), y.doubleValue());
                    };
                } catch (ArithmeticException e) {
                    throw VrlFailure.fatal("integer overflow in '" + op.symbol + "'");
                }
            }
            if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
                double x = ((Number) a).doubleValue();
                double y = ((Number) b).doubleValue();
                return switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    default -> divide(x, y);
                };
            }
            if (op == Op.MUL && a instanceof String s && b instanceof Long n) {
                if (n < 0) {
                    throw VrlFailure.error("can't repeat a string a negative number of times");
                }
                if (s.length() * (double) n > f.maxValueBytes) {
                    throw VrlFailure.fatal("a string value exceeded the limit of " + f.maxValueBytes + " bytes");
                }
                return f.checkString(s.repeat(n.intValue()));
            }
            throw VrlFailure.error("can't apply '" + op.symbol + "' to " + Values.kindName(Values.kindOf(a))
                    + " and " + Values.kindName(Values.kindOf(b)));
        }

        private static double divide(double x, double y) {
            if (y == 0) {
                throw VrlFailure.error("can't divide by zero");
            }
            return x / y;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private Object compare(@Nullable Object a, @Nullable Object b) {
            int cmp;
            if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
                cmp = a instanceof Long x && b instanceof Long y ? Long.compare(x, y)
                        : Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
            } else if (a instanceof String x && b instanceof String y) {
                cmp = x.compareTo(y);
            } else if (a instanceof Instant x && b instanceof Instant y) {
                cmp = x.compareTo(y);
            } else {
                throw VrlFailure.error("can't compare " + Values.kindName(Values.kindOf(a)) + " and "
                        + Values.kindName(Values.kindOf(b)) + " with '" + op.symbol + "'");
            }
            return switch (op) {
                case LT -> cmp < 0;
                case LE -> cmp <= 0;
                case GT -> cmp > 0;
                default -> cmp >= 0;
            };
        }

        @Override
        void check(Checker c) {
            left.check(c);
            right.check(c);
            unhandled = firstUnhandled(left, right);
            int l = left.type;
            int r = right.type;
            boolean numbers = (l & ~Values.NUMBER) == 0 && (r & ~Values.NUMBER) == 0;
            boolean fallible;
            switch (op) {
                case EQ, NE -> {
                    type = Values.BOOL;
                    fallible = false;
                }
                case ADD, SUB, MUL -> {
                    boolean strings = op == Op.ADD && l == Values.STRING && r == Values.STRING;
                    boolean repeat = op == Op.MUL && l == Values.STRING && r == Values.INT;
                    fallible = !(numbers || strings || repeat);
                    if (strings || repeat) {
                        type = Values.STRING;
                    } else if (l == Values.INT && r == Values.INT) {
                        type = Values.INT;
                    } else if (numbers && (l == Values.FLOAT || r == Values.FLOAT)) {
                        type = Values.FLOAT;
                    } else {
                        type = op == Op.MUL || op == Op.ADD ? Values.NUMBER | Values.STRING : Values.NUMBER;
                    }
                }
                case DIV -> {
                    type = Values.FLOAT;
                    boolean nonZeroLiteral = right instanceof Literal lit && lit.value instanceof Number n
                            && n.doubleValue() != 0;
                    fallible = !(numbers && nonZeroLiteral);
                }
                default -> {
                    type = Values.BOOL;
                    fallible = !(numbers || (l == Values.STRING && r == Values.STRING)
                            || (l == Values.TIMESTAMP && r == Values.TIMESTAMP));
                }
            }
            if (unhandled == null && fallible) {
                unhandled = this;
            }
        }

        @Override
        String describeFailure() {
            return "'" + op.symbol + "' can fail for operands of type " + Values.typeName(left.type) + " and "
                    + Values.typeName(right.type);
        }
    }

    /**
     * {@code ||}: the left value unless it is false or null, else the right value. Like upstream's {@code try_or},
     * any other left value is returned as is, so {@code .x || "default"} never fails.
     */
    static final class Or extends Node {
        final Node left;
        final Node right;

        Or(int line, int column, Node left, Node right) {
            super(line, column);
            this.left = left;
            this.right = right;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            Object a = left.eval(f);
            if (a == null || a == Boolean.FALSE) {
                return right.eval(f);
            }
            return a;
        }

        @Override
        void check(Checker c) {
            left.check(c);
            right.check(c);
            unhandled = firstUnhandled(left, right);
            type = (left.type & ~Values.NULL) | right.type;
        }

        @Override
        boolean fresh() {
            return left.fresh() && right.fresh();
        }
    }

    /** {@code &&}: false when the left is false or null, else the right (which must be boolean or null). */
    static final class And extends Node {
        final Node left;
        final Node right;

        And(int line, int column, Node left, Node right) {
            super(line, column);
            this.left = left;
            this.right = right;
            this.type = Values.BOOL;
        }

        @Override
        Object eval(Frame f) {
            f.tick();
            Object a = left.eval(f);
            if (a == null || a == Boolean.FALSE) {
                return Boolean.FALSE;
            }
            if (a != Boolean.TRUE) {
                throw VrlFailure.error("'&&' needs booleans, got " + Values.kindName(Values.kindOf(a)));
            }
            Object b = right.eval(f);
            if (b == null) {
                return Boolean.FALSE;
            }
            if (b instanceof Boolean) {
                return b;
            }
            throw VrlFailure.error("'&&' needs booleans, got " + Values.kindName(Values.kindOf(b)));
        }

        @Override
        void check(Checker c) {
            left.check(c);
            right.check(c);
            unhandled = firstUnhandled(left, right);
            int ok = Values.BOOL | Values.NULL;
            if (unhandled == null && ((left.type & ~ok) != 0 || (right.type & ~ok) != 0)) {
                unhandled = this;
            }
        }

        @Override
        String describeFailure() {
            return "'&&' can fail: its operands are " + Values.typeName(left.type) + " and "
                    + Values.typeName(right.type) + ", not boolean";
        }
    }

    /** {@code a ?? b}: the value of {@code a}, or of {@code b} when {@code a} fails. */
    static final class Coalesce extends Node {
        final Node left;
        final Node right;

        Coalesce(int line, int column, Node left, Node right) {
            super(line, column);
            this.left = left;
            this.right = right;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            try {
                return left.eval(f);
            } catch (VrlFailure e) {
                if (!e.catchable()) {
                    throw e;
                }
                return right.eval(f);
            }
        }

        @Override
        void check(Checker c) {
            left.check(c);
            right.check(c);
            unhandled = right.unhandled;
            type = left.type | right.type;
        }

        @Override
        boolean fresh() {
            return left.fresh() && right.fresh();
        }
    }

    // ------------------------------------------------------------------------------------------------ control flow

    static final class Block extends Node {
        final List<Node> statements;

        Block(int line, int column, List<Node> statements) {
            super(line, column);
            this.statements = statements;
        }

        @Override
        @Nullable Object eval(Frame f) {
            Object last = null;
            for (Node n : statements) {
                last = n.eval(f);
            }
            return last;
        }

        @Override
        void check(Checker c) {
            for (Node n : statements) {
                n.check(c);
                Checker.requireHandled(n);
            }
            type = statements.isEmpty() ? Values.NULL : statements.get(statements.size() - 1).type;
        }
    }

    static final class If extends Node {
        final List<Node> predicates;
        final List<Block> blocks;
        final @Nullable Block otherwise;

        If(int line, int column, List<Node> predicates, List<Block> blocks, @Nullable Block otherwise) {
            super(line, column);
            this.predicates = predicates;
            this.blocks = blocks;
            this.otherwise = otherwise;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            for (int i = 0; i < predicates.size(); i++) {
                if (predicates.get(i).eval(f) == Boolean.TRUE) {
                    return blocks.get(i).eval(f);
                }
            }
            return otherwise == null ? null : otherwise.eval(f);
        }

        @Override
        void check(Checker c) {
            Map<String, Integer> before = new HashMap<>(c.types);
            List<Map<String, Integer>> branches = new ArrayList<>();
            int t = 0;
            for (int i = 0; i < predicates.size(); i++) {
                Node p = predicates.get(i);
                p.check(c);
                if (unhandled == null) {
                    unhandled = p.unhandled;
                }
                if (p.unhandled == null && p.type != Values.BOOL) {
                    throw Checker.error(p, "the predicate of 'if' must be a boolean, but it is "
                            + Values.typeName(p.type));
                }
                Map<String, Integer> afterPredicate = new HashMap<>(c.types);
                blocks.get(i).check(c);
                t |= blocks.get(i).type;
                branches.add(c.types);
                c.types = afterPredicate;
            }
            if (otherwise != null) {
                otherwise.check(c);
                t |= otherwise.type;
                branches.add(c.types);
            } else {
                t |= Values.NULL;
            }
            c.join(before, branches, otherwise != null);
            type = t;
        }
    }

    static final class Abort extends Node {
        Abort(int line, int column) {
            super(line, column);
            this.type = Values.NULL;
        }

        @Override
        @Nullable Object eval(Frame f) {
            throw VrlFailure.abort("aborted at line " + line + ", column " + column);
        }

        @Override
        void check(Checker c) {
        }
    }

    // ---------------------------------------------------------------------------------------------- path builtins

    /** {@code del(path, compact)}. */
    static final class Del extends Node {
        final Node target;
        final @Nullable Node compact;

        Del(int line, int column, Node target, @Nullable Node compact) {
            super(line, column);
            this.target = target;
            this.compact = compact;
        }

        @Override
        @Nullable Object eval(Frame f) {
            f.tick();
            boolean c = compact != null && compact.eval(f) == Boolean.TRUE;
            if (target instanceof EventPath p) {
                if (p.segs.length == 0) {
                    Object old = f.root;
                    f.root = new LinkedHashMap<String, Object>();
                    return old;
                }
                return Paths.remove(f.root, p.segs, c);
            }
            if (target instanceof Var v) {
                if (v.segs.length == 0) {
                    Object old = f.locals[v.slot];
                    f.locals[v.slot] = null;
                    return old;
                }
                return Paths.remove(f.locals[v.slot], v.segs, c);
            }
            return target.eval(f);
        }

        @Override
        void check(Checker c) {
            target.check(c);
            if (compact != null) {
                compact.check(c);
                if (compact.type != Values.BOOL) {
                    throw Checker.error(compact, "argument 'compact' of del must be a boolean");
                }
            }
            unhandled = firstUnhandled(target, compact);
            if (target instanceof EventPath p) {
                c.forgetPath(p.segs);
            }
        }

        @Override
        boolean fresh() {
            return true;
        }
    }

    /** {@code exists(path)}. */
    static final class Exists extends Node {
        final Node target;

        Exists(int line, int column, Node target) {
            super(line, column);
            this.target = target;
            this.type = Values.BOOL;
        }

        @Override
        Object eval(Frame f) {
            f.tick();
            if (target instanceof EventPath p) {
                return Paths.exists(f.root, p.segs);
            }
            if (target instanceof Var v) {
                return Paths.exists(f.locals[v.slot], v.segs);
            }
            Query q = (Query) target;
            return Paths.exists(q.base.eval(f), q.segs);
        }

        @Override
        void check(Checker c) {
            target.check(c);
            unhandled = target.unhandled;
        }
    }

    /** A regex literal with its compiled pattern. */
    static Literal regex(int line, int column, Pattern p) {
        return new Literal(line, column, p);
    }
}
