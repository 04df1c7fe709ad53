package io.molesignal.core.quota;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;

/**
 * The outcome of one rate-quota check, as a value any HTTP stack can turn into a status and headers.
 *
 * <p>Headers follow the IETF draft {@code draft-ietf-httpapi-ratelimit-headers} (structured fields, RFC 9651) in the
 * form API.md fixes: {@code RateLimit-Policy: "<quota>";q=<burst>;w=<seconds>} and
 * {@code RateLimit: "<quota>";r=<remaining>;t=<seconds until the bucket is full>}; a 429 adds
 * {@code Retry-After: <whole seconds, at least 1>} (RFC 9110 §10.2.3). The window {@code w} is the time an empty
 * bucket takes to fill (burst ÷ rate), rounded up to whole seconds and at least 1.
 *
 * <p>An unlimited quota yields {@link #unlimited()} decisions: allowed, {@code limit} −1, and no headers.
 *
 * @param allowed whether the request may proceed (its cost was taken)
 * @param kind the quota
 * @param code null when allowed; {@link ErrorCode#QUOTA_INGEST_RATE}/{@link ErrorCode#QUOTA_QUERY_RATE} (429) when
 *        the rate is exceeded; {@link ErrorCode#QUOTA_INGEST_BATCH} (413) when the cost exceeds the burst, which no
 *        wait can fix (so no Retry-After)
 * @param limit the burst (the {@code q} of the policy), or −1 when unlimited
 * @param remaining tokens left after this decision (≥ 0)
 * @param resetNanos nanoseconds until the bucket is full again (≥ 0)
 * @param retryAfterNanos for a 429, nanoseconds until the same request would be admitted; −1 otherwise
 * @param windowSeconds the policy window {@code w} in seconds (≥ 1), or 0 when unlimited
 */
public record RateDecision(boolean allowed, QuotaKind kind, @Nullable ErrorCode code, long limit, long remaining,
                           long resetNanos, long retryAfterNanos, long windowSeconds) {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public RateDecision {
        Objects.requireNonNull(kind, "kind");
        if (allowed != (code == null)) {
            throw new IllegalArgumentException("a code is set exactly when the decision is a refusal");
        }
    }

    /** An allowed decision for an unlimited quota. */
    public static RateDecision unlimited(QuotaKind kind) {
        return new RateDecision(true, kind, null, -1, 0, 0, -1, 0);
    }

    /** Whether the quota is unlimited (no headers). */
    public boolean isUnlimited() {
        return limit < 0;
    }

    /** The time until the bucket is full again. */
    public Duration reset() {
        return Duration.ofNanos(resetNanos);
    }

    /** For a 429, the time until the same request would be admitted. */
    public Optional<Duration> retryAfter() {
        return retryAfterNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(retryAfterNanos));
    }

    /** The HTTP status: 200 when allowed, else the status of {@link #code()} (429 or 413). */
    public int httpStatus() {
        return code == null ? 200 : code.httpStatus();
    }

    /** The {@code RateLimit-Policy} header value, empty when unlimited. */
    public Optional<String> rateLimitPolicy() {
        if (isUnlimited()) {
            return Optional.empty();
        }
        return Optional.of('"' + kind.wireName() + "\";q=" + limit + ";w=" + windowSeconds);
    }

    /** The {@code RateLimit} header value, empty when unlimited. */
    public Optional<String> rateLimit() {
        if (isUnlimited()) {
            return Optional.empty();
        }
        return Optional.of('"' + kind.wireName() + "\";r=" + remaining + ";t=" + ceilSeconds(resetNanos));
    }

    /** The {@code Retry-After} header value (whole seconds, at least 1) for a 429; empty otherwise. */
    public Optional<String> retryAfterHeader() {
        if (retryAfterNanos < 0) {
            return Optional.empty();
        }
        return Optional.of(Long.toString(Math.max(1, ceilSeconds(retryAfterNanos))));
    }

    /** Writes the headers of this decision ({@code name, value}); nothing for an unlimited quota. */
    public void writeHeaders(BiConsumer<String, String> header) {
        rateLimitPolicy().ifPresent(v -> header.accept("RateLimit-Policy", v));
        rateLimit().ifPresent(v -> header.accept("RateLimit", v));
        retryAfterHeader().ifPresent(v -> header.accept("Retry-After", v));
    }

    static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos - 1) / NANOS_PER_SECOND + 1;
    }
}
