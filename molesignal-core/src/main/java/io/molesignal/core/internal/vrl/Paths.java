package io.molesignal.core.internal.vrl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** Reads and writes along path segments: {@link String} field names and {@link Integer} array indices. */
final class Paths {
    private Paths() {
    }

    static @Nullable Object get(@Nullable Object v, Object[] segs) {
        for (Object seg : segs) {
            if (seg instanceof String k) {
                if (!(v instanceof Map<?, ?> m)) {
                    return null;
                }
                v = m.get(k);
            } else {
                if (!(v instanceof List<?> l)) {
                    return null;
                }
                int i = (Integer) seg;
                if (i < 0) {
                    i += l.size();
                }
                if (i < 0 || i >= l.size()) {
                    return null;
                }
                v = l.get(i);
            }
        }
        return Values.norm(v);
    }

    static boolean exists(@Nullable Object v, Object[] segs) {
        for (Object seg : segs) {
            if (seg instanceof String k) {
                if (!(v instanceof Map<?, ?> m) || !m.containsKey(k)) {
                    return false;
                }
                v = m.get(k);
            } else {
                if (!(v instanceof List<?> l)) {
                    return false;
                }
                int i = (Integer) seg;
                if (i < 0) {
                    i += l.size();
                }
                if (i < 0 || i >= l.size()) {
                    return false;
                }
                v = l.get(i);
            }
        }
        return true;
    }

    /** Sets {@code value} at {@code segs[from..]} below {@code cur}; returns the new value of {@code cur}. */
    @SuppressWarnings("unchecked")
    static @Nullable Object set(@Nullable Object cur, Object[] segs, int from, @Nullable Object value, Frame f) {
        if (from == segs.length) {
            return value;
        }
        Object seg = segs[from];
        boolean last = from + 1 == segs.length;
        if (seg instanceof String k) {
            Map<String, Object> m;
            if (cur instanceof Map<?, ?> existing) {
                m = (Map<String, Object>) existing;
            } else {
                m = new LinkedHashMap<>();
            }
            if (last) {
                m.put(k, value);
            } else {
                m.put(k, set(m.get(k), segs, from + 1, value, f));
            }
            if (m.size() > f.maxCollectionLength) {
                throw VrlFailure.fatal("an object exceeded the limit of " + f.maxCollectionLength + " fields");
            }
            return m;
        }
        List<Object> l = cur instanceof List<?> existing ? (List<Object>) existing : new ArrayList<>();
        int i = (Integer) seg;
        if (i < 0) {
            i += l.size();
            if (i < 0) {
                throw VrlFailure.fatal("negative array index out of range in an assignment");
            }
        }
        if (i >= f.maxCollectionLength) {
            throw VrlFailure.fatal("an array exceeded the limit of " + f.maxCollectionLength + " elements");
        }
        while (l.size() <= i) {
            l.add(null);
        }
        l.set(i, last ? value : set(l.get(i), segs, from + 1, value, f));
        return l;
    }

    /** Removes the value at {@code segs} below {@code root} (which must have at least one segment). */
    static @Nullable Object remove(@Nullable Object root, Object[] segs, boolean compact) {
        if (segs.length == 1 && segs[0] instanceof String k) {
            return root instanceof Map<?, ?> m ? Values.norm(m.remove(k)) : null;
        }
        Object parent = get(root, java.util.Arrays.copyOf(segs, segs.length - 1));
        Object last = segs[segs.length - 1];
        Object removed = null;
        if (last instanceof String k && parent instanceof Map<?, ?> m) {
            removed = m.remove(k);
        } else if (last instanceof Integer idx && parent instanceof List<?> l) {
            int i = idx < 0 ? idx + l.size() : idx;
            if (i >= 0 && i < l.size()) {
                removed = l.remove(i);
            }
        }
        if (compact && segs.length > 1 && isEmptyContainer(parent)) {
            remove(root, java.util.Arrays.copyOf(segs, segs.length - 1), true);
        }
        return Values.norm(removed);
    }

    private static boolean isEmptyContainer(@Nullable Object v) {
        return (v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof List<?> l && l.isEmpty());
    }

    /** The field name an encrypted path binds: {@code a.b}, {@code a[0].b}. */
    static String fieldName(Object[] segs) {
        StringBuilder sb = new StringBuilder();
        for (Object seg : segs) {
            if (seg instanceof String k) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(k);
            } else {
                sb.append('[').append(seg).append(']');
            }
        }
        return sb.toString();
    }
}
