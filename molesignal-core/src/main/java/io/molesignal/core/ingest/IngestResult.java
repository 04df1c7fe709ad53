package io.molesignal.core.ingest;

import java.util.List;

/**
 * The outcome of one ingest request.
 *
 * @param ingested events stored
 * @param failed events refused (each with an error)
 * @param errors per-event errors, by index
 * @param storedBytes the sum of the stored events' sizes (UTF-8 bytes of their JSON after the transform)
 * @param rateDecision what {@link IngestAdmission#admitEvents} returned, for the host's rate-limit headers
 */
public record IngestResult(int ingested, int failed, List<EventError> errors, long storedBytes, Object rateDecision) {
    public IngestResult {
        errors = List.copyOf(errors);
    }
}
