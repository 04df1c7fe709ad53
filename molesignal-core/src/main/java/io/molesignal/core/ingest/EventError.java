package io.molesignal.core.ingest;

import java.util.Objects;

import io.molesignal.core.ErrorCode;

/**
 * Why one event of a request was not stored.
 *
 * @param index the event's 0-based position in the request
 * @param code a per-event code ({@link ErrorCode#isPerEvent()})
 * @param detail a safe message (never the event's values)
 */
public record EventError(int index, ErrorCode code, String detail) {
    public EventError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }
}
