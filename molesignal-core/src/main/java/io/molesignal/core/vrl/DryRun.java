package io.molesignal.core.vrl;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.molesignal.core.ErrorCode;

/**
 * The result of {@link StreamFunctions#test}: the transformed events (in input order, failed ones left out) and
 * the errors of the others — the body of {@code POST /api/v1/functions/test} in API.md.
 *
 * @param events the events the program transformed
 * @param errors one entry per failed event
 */
public record DryRun(List<Map<String, Object>> events, List<EventError> errors) {
    public DryRun {
        events = List.copyOf(events);
        errors = List.copyOf(errors);
    }

    /**
     * One failed event.
     *
     * @param index the 0-based position of the event in the request
     * @param code {@link ErrorCode#INVALID_EVENT}, {@link ErrorCode#VRL_RUNTIME} or {@link ErrorCode#VRL_ABORT}
     * @param detail a safe message (never an event value)
     */
    public record EventError(int index, ErrorCode code, String detail) {
        public EventError {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
