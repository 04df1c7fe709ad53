package io.molesignal.core;

import java.util.Objects;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

/**
 * The one unchecked root of every MoleSignal error.
 *
 * <p>Each exception carries a stable {@link ErrorCode} (which maps to an HTTP status) and a <em>safe</em> message:
 * messages never contain secrets (tokens, passwords, keys) or values of stored data, so a host may show
 * {@link #getMessage()} to the caller. Errors about a position in a program or a query (SQL, VRL) carry a 1-based
 * line and column.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class MoleSignalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final int line;
    private final int column;

    /**
     * @param code the stable error code
     * @param safeMessage a message without secrets or stored values
     */
    public MoleSignalException(ErrorCode code, String safeMessage) {
        this(code, safeMessage, null);
    }

    /**
     * @param code the stable error code
     * @param safeMessage a message without secrets or stored values
     * @param cause the underlying cause, kept for the host's diagnostics; its message is never copied into this one
     */
    public MoleSignalException(ErrorCode code, String safeMessage, @Nullable Throwable cause) {
        this(code, safeMessage, 0, 0, cause);
    }

    /**
     * @param code the stable error code
     * @param safeMessage a message without secrets or stored values
     * @param line 1-based line of the offending position, or 0 when unknown
     * @param column 1-based column of the offending position, or 0 when unknown
     * @param cause the underlying cause, or null
     */
    public MoleSignalException(ErrorCode code, String safeMessage, int line, int column, @Nullable Throwable cause) {
        super(Objects.requireNonNull(safeMessage, "safeMessage"), cause);
        this.code = Objects.requireNonNull(code, "code");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0");
        }
        this.line = line;
        this.column = column;
    }

    /** The stable error code. */
    public ErrorCode code() {
        return code;
    }

    /** The HTTP status of {@link #code()}. */
    public int httpStatus() {
        return code.httpStatus();
    }

    /** The 1-based line of the offending position in a SQL or VRL text, if known. */
    public OptionalInt line() {
        return line == 0 ? OptionalInt.empty() : OptionalInt.of(line);
    }

    /** The 1-based column of the offending position in a SQL or VRL text, if known. */
    public OptionalInt column() {
        return column == 0 ? OptionalInt.empty() : OptionalInt.of(column);
    }

    @Override
    public String toString() {
        return "MoleSignalException[" + code + "]: " + getMessage();
    }
}
