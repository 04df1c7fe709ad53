package io.molesignal.query.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The path language of {@code json_value} (API.md): {@code $} followed by {@code .name}, {@code ["name"]} and
 * {@code [n]} steps. A step is a {@link String} (member name) or an {@link Integer} (array index).
 *
 * @param steps the steps after {@code $}
 */
public record JsonPath(List<Object> steps) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public JsonPath {
        steps = List.copyOf(steps);
    }

    /** Parses a path; empty when it is not valid. */
    public static Optional<JsonPath> parse(String text) {
        if (text == null || text.isEmpty() || text.charAt(0) != '$') {
            return Optional.empty();
        }
        List<Object> steps = new ArrayList<>();
        int i = 1;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_'
                        || text.charAt(j) == '-')) {
                    j++;
                }
                if (j == i + 1) {
                    return Optional.empty();
                }
                steps.add(text.substring(i + 1, j));
                i = j;
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    return Optional.empty();
                }
                String inner = text.substring(i + 1, close);
                if (inner.length() >= 2 && inner.startsWith("\"") && inner.endsWith("\"")) {
                    String name = inner.substring(1, inner.length() - 1);
                    if (name.isEmpty() || name.indexOf('"') >= 0 || name.indexOf('\\') >= 0) {
                        return Optional.empty();
                    }
                    steps.add(name);
                } else if (inner.matches("[0-9]{1,9}")) {
                    steps.add(Integer.parseInt(inner));
                } else {
                    return Optional.empty();
                }
                i = close + 1;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new JsonPath(steps));
    }

    /** The canonical text of the path. */
    public String text() {
        StringBuilder sb = new StringBuilder("$");
        for (Object s : steps) {
            if (s instanceof Integer idx) {
                sb.append('[').append(idx).append(']');
            } else {
                sb.append("[\"").append(s).append("\"]");
            }
        }
        return sb.toString();
    }

    /** The default decrypt field for this path: the member names joined with dots ({@code user.email}). */
    public String fieldName() {
        StringBuilder sb = new StringBuilder();
        for (Object s : steps) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(s);
        }
        return sb.toString();
    }

    /**
     * Evaluates the path over a JSON text: the scalar at the path as a string, or null when the text is null or not
     * JSON, the path is missing, or it holds an object, an array or JSON null.
     */
    public String evaluate(String json) {
        if (json == null) {
            return null;
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (Exception e) {
            return null;
        }
        for (Object s : steps) {
            if (node == null) {
                return null;
            }
            node = s instanceof Integer idx ? (node.isArray() ? node.get(idx) : null)
                    : (node.isObject() ? node.get((String) s) : null);
        }
        if (node == null || node.isNull() || node.isContainerNode() || node.isMissingNode()) {
            return null;
        }
        return node.asText();
    }
}
