package io.molesignal.query.internal;

/**
 * Java functions installed into an H2 database as aliases, so the SQL generated for H2 can call them.
 * H2 runs them in the database engine, on the rows it evaluates; they never throw.
 */
public final class H2Functions {
    private H2Functions() {
    }

    /** {@code MS_JSON_VALUE(json, path)}: see {@link JsonPath#evaluate(String)}; null for an invalid path. */
    public static String jsonValue(String json, String path) {
        return JsonPath.parse(path).map(p -> p.evaluate(json)).orElse(null);
    }
}
