package io.molesignal.core;

/**
 * The stable error codes of MoleSignal and the HTTP status each maps to (the table of the HTTP API, {@code API.md}).
 *
 * <p>Codes are part of the public contract: hosts and clients branch on them, never on messages. The per-event codes
 * ({@link #INVALID_EVENT} … {@link #VRL_ABORT}) appear inside a successful ingest response; their
 * {@link #httpStatus()} is the status a host should use if it ever has to reject a whole request for that reason.
 */
public enum ErrorCode {
    /** Malformed JSON, missing or invalid fields, a tampered or foreign cursor. */
    INVALID_INPUT(400),
    /** Per event: the element is not a JSON object. */
    INVALID_EVENT(400),
    /** Per event: the event is over 1 MiB. */
    EVENT_TOO_LARGE(400),
    /** Per event: the timestamp is neither RFC 3339 nor epoch milliseconds. */
    INVALID_TIMESTAMP(400),
    /** Per event: a field has the wrong type for its typed column. */
    TYPE_MISMATCH(400),
    /** Per event: the VRL program failed at run time. */
    VRL_RUNTIME(400),
    /** Per event: the VRL program aborted. */
    VRL_ABORT(400),
    /** The query cannot be parsed. */
    SQL_PARSE(400),
    /** Names or types in the query do not resolve. */
    SQL_VALIDATE(400),
    /** The statement or construct is not allowed. */
    SQL_UNSUPPORTED(400),
    /** A VRL program does not compile. */
    VRL_COMPILE(400),
    /** {@code decrypt()} could not decrypt a value. */
    DECRYPT_FAILED(400),
    /** No valid credential. */
    UNAUTHENTICATED(401),
    /** Login failed (the same for an unknown user and a wrong password). */
    INVALID_CREDENTIALS(401),
    /** Role or scope too low, or the credential kind may not do this. */
    FORBIDDEN(403),
    /** No such resource in the caller's org. */
    NOT_FOUND(404),
    /** Name taken, last owner, version state. */
    CONFLICT(409),
    /** The request body is over the limit. */
    BODY_TOO_LARGE(413),
    /** The org's storage quota would be exceeded. */
    QUOTA_STORAGE(413),
    /** One ingest request carries more events than the ingest burst. */
    QUOTA_INGEST_BATCH(413),
    /** Ingest rate quota exceeded. */
    QUOTA_INGEST_RATE(429),
    /** Query rate quota exceeded. */
    QUOTA_QUERY_RATE(429),
    /** Too many failed logins. */
    LOGIN_THROTTLED(429),
    /** The statement timeout elapsed. */
    QUERY_TIMEOUT(408),
    /** {@code MS_CIPHER_KEY} is not set and the operation needs it. */
    CIPHER_DISABLED(503),
    /** The database is unreachable or the audit entry could not be written. */
    UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status a host answers with for this code (RFC 9110 status codes). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether this code reports one event of an ingest request rather than the request. */
    public boolean isPerEvent() {
        return switch (this) {
            case INVALID_EVENT, EVENT_TOO_LARGE, INVALID_TIMESTAMP, TYPE_MISMATCH, VRL_RUNTIME, VRL_ABORT -> true;
            default -> false;
        };
    }
}
