package io.molesignal.core.internal.vrl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * VRL values over plain Java objects: {@code null}, {@link Boolean}, {@link Long} (integer), {@link Double}
 * (float), {@link String} (bytes, UTF-8 text here), {@link Instant} (timestamp), {@link Pattern} (regex),
 * {@link List} (array) and {@link Map} with string keys (object). Static types are bit masks of kinds.
 */
public final class Values {
    public static final int NULL = 1;
    public static final int BOOL = 2;
    public static final int INT = 4;
    public static final int FLOAT = 8;
    public static final int STRING = 16;
    public static final int TIMESTAMP = 32;
    public static final int REGEX = 64;
    public static final int ARRAY = 128;
    public static final int OBJECT = 256;
    public static final int ANY = 511;
    public static final int NUMBER = INT | FLOAT;

    private static final DateTimeFormatter RFC3339_SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private Values() {
    }

    /** Normalizes host number types (Integer, BigDecimal…) to Long or Double. */
    public static @Nullable Object norm(@Nullable Object v) {
        if (v == null || v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean
                || v instanceof Map || v instanceof List) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
        }
        if (v instanceof BigDecimal d) {
            return d.scale() <= 0 && d.precision() - d.scale() < 19 ? (Object) d.longValueExact() : d.doubleValue();
        }
        return v;
    }

    /** The kind bit of a runtime value. */
    public static int kindOf(@Nullable Object v) {
        v = norm(v);
        if (v == null) {
            return NULL;
        }
        if (v instanceof String) {
            return STRING;
        }
        if (v instanceof Long) {
            return INT;
        }
        if (v instanceof Double) {
            return FLOAT;
        }
        if (v instanceof Boolean) {
            return BOOL;
        }
        if (v instanceof Map) {
            return OBJECT;
        }
        if (v instanceof List) {
            return ARRAY;
        }
        if (v instanceof Instant) {
            return TIMESTAMP;
        }
        if (v instanceof Pattern) {
            return REGEX;
        }
        return ANY;
    }

    /** VRL's name of a kind ("string", "integer"…), or "any". */
    public static String kindName(int kind) {
        return switch (kind) {
            case NULL -> "null";
            case BOOL -> "boolean";
            case INT -> "integer";
            case FLOAT -> "float";
            case STRING -> "string";
            case TIMESTAMP -> "timestamp";
            case REGEX -> "regex";
            case ARRAY -> "array";
            case OBJECT -> "object";
            default -> "any";
        };
    }

    /** A human description of a type mask ("string or null"). */
    public static String typeName(int mask) {
        if (mask == ANY) {
            return "any";
        }
        StringBuilder sb = new StringBuilder();
        for (int bit = 1; bit < ANY; bit <<= 1) {
            if ((mask & bit) != 0) {
                if (sb.length() > 0) {
                    sb.append(" or ");
                }
                sb.append(kindName(bit));
            }
        }
        return sb.toString();
    }

    /** Whether exactly one kind is in the mask. */
    public static boolean single(int mask) {
        return mask != 0 && (mask & (mask - 1)) == 0;
    }

    public static VrlFailure typeError(int expected, @Nullable Object got) {
        int gotKind = kindOf(got);
        return VrlFailure.error(() -> "expected " + typeName(expected) + ", got " + kindName(gotKind));
    }

    /** VRL equality: numbers compare by value across integer and float; containers deeply. */
    public static boolean eq(@Nullable Object a, @Nullable Object b) {
        a = norm(a);
        b = norm(b);
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Long x && b instanceof Double y) {
            return x.doubleValue() == y;
        }
        if (a instanceof Double x && b instanceof Long y) {
            return x == y.doubleValue();
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !eq(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!eq(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Pattern pa && b instanceof Pattern pb) {
            return pa.pattern().equals(pb.pattern());
        }
        return a.equals(b);
    }

    /** A deep copy of containers (VRL values are values: an assignment never aliases). */
    @SuppressWarnings("unchecked")
    public static @Nullable Object copy(@Nullable Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put((String) e.getKey(), copy(e.getValue()));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(copy(o));
            }
            return out;
        }
        return norm(v);
    }

    /**
     * RFC 3339 text of a timestamp in UTC with {@code Z}, fractional seconds in groups of 3 digits and only when
     * non-zero (as VRL prints timestamps).
     */
    public static String formatTimestamp(Instant t) {
        String base = RFC3339_SECONDS.format(t);
        int nanos = t.getNano();
        if (nanos == 0) {
            return base + "Z";
        }
        String frac = String.format("%09d", nanos);
        if (nanos % 1_000_000 == 0) {
            frac = frac.substring(0, 3);
        } else if (nanos % 1_000 == 0) {
            frac = frac.substring(0, 6);
        }
        return base + "." + frac + "Z";
    }

    /** Text of a float ("52.2"). */
    public static String formatFloat(double d) {
        return Double.toString(d);
    }

    private static long strSize(String s, boolean exact) {
        // quotes plus content; escapes are ignored (the host measures the exact size it stores)
        return 2 + (exact ? utf8Length(s) : s.length() * 3L);
    }

    /** The UTF-8 length of a string, in bytes. */
    public static long utf8Length(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        return n;
    }

    /** Appends compact JSON (object keys sorted, as VRL's objects are ordered maps). */
    public static void appendJson(StringBuilder sb, @Nullable Object v, int[] budget, boolean sortKeys) {
        if (--budget[0] < 0) {
            throw VrlFailure.fatal("value too large to encode");
        }
        v = norm(v);
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            appendJsonString(sb, s);
        } else if (v instanceof Long || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double d) {
            sb.append(Double.isFinite(d) ? formatJsonDouble(d) : "null");
        } else if (v instanceof Instant t) {
            appendJsonString(sb, formatTimestamp(t));
        } else if (v instanceof Pattern p) {
            appendJsonString(sb, p.pattern());
        } else if (v instanceof Map<?, ?> m) {
            Map<?, ?> ordered = sortKeys ? new TreeMap<>(m) : m;
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ordered.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                appendJsonString(sb, (String) e.getKey());
                sb.append(':');
                appendJson(sb, e.getValue(), budget, sortKeys);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendJson(sb, l.get(i), budget, sortKeys);
            }
            sb.append(']');
        } else {
            appendJsonString(sb, v.toString());
        }
        if (sb.length() > budget[1]) {
            throw VrlFailure.fatal("encoded value over the size limit");
        }
    }

    private static String formatJsonDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return ((long) d) + ".0";
        }
        return Double.toString(d);
    }

    static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Turns the program's output into plain JSON-like values (timestamps to RFC 3339 text, regexes to their
     * pattern) and checks that its UTF-8 JSON size is at most {@code maxBytes}. A cheap pass bounds strings by
     * 3 bytes per UTF-16 unit; only when that bound is over the limit does an exact pass count UTF-8 bytes.
     */
    public static void finish(Object v, long maxBytes) {
        if (size(v, Long.MAX_VALUE, 0, false) > maxBytes) {
            size(v, maxBytes, 0, true);
        }
    }

    @SuppressWarnings("unchecked")
    private static long size(Object v, long maxBytes, int depth, boolean exact) {
        if (depth > 128) {
            throw VrlFailure.fatal("output nested too deeply");
        }
        long size;
        if (v instanceof Map<?, ?> m) {
            size = 2;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                Object val = e.getValue();
                if (val instanceof Instant t) {
                    val = formatTimestamp(t);
                    e.setValue(val);
                } else if (val instanceof Pattern p) {
                    val = p.pattern();
                    e.setValue(val);
                }
                size += strSize(e.getKey(), exact) + 2 + (val == null ? 4 : size(val, maxBytes, depth + 1, exact));
                if (size > maxBytes) {
                    throw VrlFailure.fatal("output over the size limit");
                }
            }
        } else if (v instanceof List<?> l) {
            size = 2;
            List<Object> list = (List<Object>) l;
            for (int i = 0; i < list.size(); i++) {
                Object val = list.get(i);
                if (val instanceof Instant t) {
                    val = formatTimestamp(t);
                    list.set(i, val);
                } else if (val instanceof Pattern p) {
                    val = p.pattern();
                    list.set(i, val);
                }
                size += 1 + (val == null ? 4 : size(val, maxBytes, depth + 1, exact));
                if (size > maxBytes) {
                    throw VrlFailure.fatal("output over the size limit");
                }
            }
        } else if (v instanceof String s) {
            size = strSize(s, exact);
        } else {
            size = 24;
        }
        return size;
    }
}
