package io.molesignal.core.quota;

import io.molesignal.core.OrgId;

/**
 * The shared store of the distributed mode (SPI): one GCRA bucket per (org, quota) kept in a store every instance
 * reaches, on the store's own clock (a single time authority, so clock skew between app instances cannot mint
 * tokens). Implementations: {@link PostgresRateStore} and {@link RedisRateStore}.
 *
 * <p>{@link #take} atomically takes between {@code minTokens} and {@code maxTokens} tokens — as many as are
 * available up to the maximum — or none when fewer than {@code minTokens} are available. It is one round trip.
 *
 * <p>Implementations are thread-safe. A failure throws a {@link RuntimeException} (the governor then falls back to
 * its local share and retries the store after a second).
 */
public interface RateStore extends AutoCloseable {
    /**
     * Takes tokens from the shared bucket of (org, kind) with rate {@code ratePerSecond} and burst {@code burst}.
     *
     * @return the tokens taken (0 = refused) and the bucket's debt afterwards
     * @throws RuntimeException when the store cannot be reached
     */
    Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens);

    /**
     * {@link #take(OrgId, QuotaKind, long, long, long, long)} computed at the caller's time {@code nowMicros} instead of
     * the store's clock. Every client of one bucket must then send readings of one shared time base (microseconds);
     * mixing it with the store's clock, or with unrelated time bases, breaks the bound. Used by
     * {@link QuotaGovernor.Builder#distributedTime(io.molesignal.core.Ticker)}.
     *
     * @throws UnsupportedOperationException when the store only keeps its own clock (the default)
     * @throws RuntimeException when the store cannot be reached
     */
    default Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens,
                       long nowMicros) {
        throw new UnsupportedOperationException(name() + " only computes on its own clock");
    }

    /** A short name for logs ({@code postgresql}, {@code redis}). */
    String name();

    /** Releases the store's own resources (not the host's DataSource or client). */
    @Override
    void close();

    /**
     * The result of {@link #take}.
     *
     * @param tokens tokens taken, 0 when refused
     * @param aheadMicros the theoretical arrival time minus now after the operation, in microseconds (how far the
     *        bucket is from full, in time); ≥ 0
     */
    record Grant(long tokens, long aheadMicros) {
    }
}
