package io.molesignal.query.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a statement into its <em>shape</em> for the plan cache: string and numeric literals that are the right
 * operand of a comparison ({@code = <> != < <= > >=}) or of {@code LIKE} become {@code ?} parameters, so statements
 * that differ only in such literals share one plan. Everything else (typed literals such as
 * {@code TIMESTAMP '…'}, {@code IN} lists, function arguments, {@code LIMIT}) stays in the shape text. A lexer, not
 * a parser: comments, quoted identifiers and prefixed strings ({@code X'…'}, {@code U&'…'}) are skipped correctly;
 * when the lifted shape does not plan with the same types, the planner falls back to the exact text.
 */
public final class ShapeNormalizer {
    private static final Set<String> OPERATORS = Set.of("=", "<>", "!=", "<", "<=", ">", ">=", "LIKE");

    private ShapeNormalizer() {
    }

    /**
     * A statement shape.
     *
     * @param text the shape text ({@code ?} where literals were)
     * @param sources for each {@code ?} of {@code text} in order: an {@link Integer} (the caller's positional
     *                parameter) or a {@link Literal}
     * @param userParams how many {@code ?} the original text had
     */
    public record Shape(String text, List<Object> sources, int userParams) {
        /** Whether any literal was lifted. */
        public boolean lifted() {
            return sources.stream().anyMatch(s -> s instanceof Literal);
        }
    }

    /** A lifted literal: its value ({@link String} or {@link BigDecimal}). */
    public record Literal(Object value) {
    }

    /** Normalises {@code sql}. */
    public static Shape normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        List<Object> sources = new ArrayList<>();
        int users = 0;
        String prev = "";
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                out.append(c);
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
                continue;
            }
            if (c == '\'' || c == '"') {
                int j = i + 1;
                StringBuilder val = new StringBuilder();
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            val.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    val.append(d);
                    j++;
                }
                int end = Math.min(n, j + 1);
                boolean prefixed = i > 0 && (Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '&');
                if (c == '\'' && !prefixed && OPERATORS.contains(prev) && j < n) {
                    out.append('?');
                    sources.add(new Literal(val.toString()));
                } else {
                    out.append(sql, i, end);
                }
                prev = c == '\'' ? "'" : "\"";
                i = end;
                continue;
            }
            if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                int j = i;
                while (j < n && (Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                if (j < n && (sql.charAt(j) == 'e' || sql.charAt(j) == 'E')) {
                    int k = j + 1;
                    if (k < n && (sql.charAt(k) == '+' || sql.charAt(k) == '-')) {
                        k++;
                    }
                    while (k < n && Character.isDigit(sql.charAt(k))) {
                        k++;
                    }
                    j = k;
                }
                boolean glued = j < n && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_');
                String num = sql.substring(i, j);
                BigDecimal value = null;
                try {
                    value = new BigDecimal(num);
                } catch (NumberFormatException e) {
                    // not a plain number: keep it in the text
                }
                if (value != null && !glued && OPERATORS.contains(prev)) {
                    out.append('?');
                    sources.add(new Literal(value));
                } else {
                    out.append(num);
                }
                prev = "0";
                i = j;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '$')) {
                    j++;
                }
                String word = sql.substring(i, j);
                out.append(word);
                prev = word.toUpperCase(Locale.ROOT);
                i = j;
                continue;
            }
            if (c == '?') {
                out.append('?');
                sources.add(users++);
                prev = "?";
                i++;
                continue;
            }
            String two = i + 1 < n ? sql.substring(i, i + 2) : "";
            if (two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=") || two.equals("||")) {
                out.append(two);
                prev = two;
                i += 2;
                continue;
            }
            out.append(c);
            prev = String.valueOf(c);
            i++;
        }
        return new Shape(out.toString(), sources, users);
    }

    /**
     * Whether each lifted literal fits the parameter type the shape inferred (strings for character types, numbers
     * for numeric types); otherwise lifting would change the statement's meaning.
     */
    public static boolean typesFit(Shape shape, List<String> paramTypes) {
        for (int i = 0; i < shape.sources().size(); i++) {
            if (shape.sources().get(i) instanceof Literal lit) {
                String t = i < paramTypes.size() ? paramTypes.get(i) : "ANY";
                boolean character = t.equals("CHAR") || t.equals("VARCHAR");
                boolean numeric = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "FLOAT", "REAL",
                        "DOUBLE").contains(t);
                if (lit.value() instanceof String ? !character : !numeric) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The bind value of a lifted literal for the inferred parameter type. */
    public static Object bindValue(Literal lit, String type) {
        if (lit.value() instanceof BigDecimal d) {
            return switch (type) {
                case "TINYINT", "SMALLINT", "INTEGER", "BIGINT" -> d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0
                        ? (Object) d.longValueExact() : d;
                case "DOUBLE", "FLOAT", "REAL" -> d.doubleValue();
                default -> d;
            };
        }
        return lit.value();
    }
}
