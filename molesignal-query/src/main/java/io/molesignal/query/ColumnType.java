package io.molesignal.query;

import java.util.Locale;

/**
 * The column types a tenant sees in query results and in the schema route (the SQL section of {@code API.md}).
 *
 * <p>JSON encoding of values: {@link #INTEGER} and {@link #DOUBLE} as JSON numbers, {@link #DECIMAL} as a string,
 * {@link #TIMESTAMP} as an RFC 3339 UTC string, {@link #JSON} as the stored JSON text.
 */
public enum ColumnType {
    STRING, INTEGER, DOUBLE, DECIMAL, BOOLEAN, TIMESTAMP, JSON;

    /** The lower-case name used on the wire ({@code string}, {@code integer}, …). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
