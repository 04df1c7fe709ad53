package io.molesignal.core.quota;

import java.util.Objects;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * A refused rate-limited request ({@code QUOTA_INGEST_RATE} / {@code QUOTA_QUERY_RATE}, 429, or
 * {@code QUOTA_INGEST_BATCH}, 413) for APIs that signal refusal by exception, carrying the decision so the host can
 * write {@code Retry-After} and the {@code RateLimit} headers ({@link RateDecision#writeHeaders}).
 */
public final class RateLimitExceededException extends MoleSignalException {
    private static final long serialVersionUID = 1L;

    private final transient RateDecision decision;

    /** @param decision a refusal ({@code allowed() == false}) */
    public RateLimitExceededException(RateDecision decision) {
        super(Objects.requireNonNull(decision.code(), "a refusal has a code"),
                decision.kind().wireName() + " quota exceeded");
        if (decision.allowed()) {
            throw new IllegalArgumentException("not a refusal");
        }
        this.decision = decision;
    }

    /** The refusal. */
    public RateDecision decision() {
        return decision;
    }
}
