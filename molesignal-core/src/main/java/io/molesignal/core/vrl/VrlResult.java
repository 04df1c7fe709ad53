package io.molesignal.core.vrl;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;

/**
 * The result of running a program on one event: either the transformed event or a per-event error.
 *
 * <p>{@link Ok#event()} holds only JSON-like values: {@code null}, {@link Boolean}, {@link Long}, {@link Double}
 * (or number types the caller put in and the program left alone), {@link String}, {@link java.util.List} and
 * {@link Map}; timestamps are turned into RFC 3339 text ({@code 2020-10-21T16:00:00Z}) and regexes into their
 * pattern text. {@link Failed} carries {@link ErrorCode#VRL_RUNTIME} or {@link ErrorCode#VRL_ABORT} and a safe
 * message (never an event value); the caller adds the event's index.
 */
public sealed interface VrlResult {
    /** Whether the event was transformed. */
    default boolean ok() {
        return this instanceof Ok;
    }

    /**
     * @param event the transformed event (the same map as the input unless the program assigned the root)
     * @param value the value of the program's last expression (what VRL's REPL prints; useful in dry runs)
     * @param steps evaluation steps used
     */
    record Ok(Map<String, Object> event, @Nullable Object value, long steps) implements VrlResult {
        public Ok {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * @param code {@link ErrorCode#VRL_RUNTIME} or {@link ErrorCode#VRL_ABORT}
     * @param message a safe description with the line and column where known
     */
    record Failed(ErrorCode code, String message) implements VrlResult {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
