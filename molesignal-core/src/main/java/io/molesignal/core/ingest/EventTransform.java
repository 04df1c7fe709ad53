package io.molesignal.core.ingest;

import java.util.Map;

import io.molesignal.core.MoleSignalException;

/**
 * A stream's transform of one event (the stream's VRL program). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface EventTransform {
    /**
     * Transforms one event in place or into a new map.
     *
     * @param event a mutable JSON-like tree (maps, lists, strings, numbers, booleans, null)
     * @return the event to store
     * @throws MoleSignalException with a per-event code ({@code VRL_RUNTIME}, {@code VRL_ABORT}) to fail this event
     */
    Map<String, Object> apply(Map<String, Object> event);
}
