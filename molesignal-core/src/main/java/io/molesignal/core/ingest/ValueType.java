package io.molesignal.core.ingest;

/** The type of a typed event column: how an event field's JSON value is checked and stored. */
public enum ValueType {
    /** Text (VARCHAR / TEXT). Numbers and booleans are stored as their JSON text. */
    STRING,
    /** A 64-bit integer (BIGINT); a string or fraction is a type mismatch. */
    LONG,
    /** A double; a string is a type mismatch. */
    DOUBLE,
    /** A timestamp: RFC 3339 text or epoch milliseconds. */
    TIMESTAMP
}
