package io.molesignal.core.quota;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * The quotas of one org. Every value may be null, meaning unlimited (for retention: keep events forever).
 *
 * <p>Rates are in events (ingest) or queries (query) per second, {@value #MAX_RATE} at most; bursts are the bucket
 * size in the same unit, {@value #MAX_BURST} at most and never below 1. A rate set without its burst gets a burst
 * of twice the rate (API.md), capped at {@value #MAX_BURST}. A burst without its rate is refused. Storage is in
 * bytes (0 allows nothing); retention in whole days, 1 to {@value #MAX_RETENTION_DAYS}.
 *
 * <p>Invalid values throw {@link MoleSignalException} with {@link ErrorCode#INVALID_INPUT} (they usually come from a
 * request body). Immutable and thread-safe.
 *
 * @param ingestQps events per second, or null
 * @param ingestBurst the ingest burst (events), or null exactly when {@code ingestQps} is null
 * @param queryQps queries per second, or null
 * @param queryBurst the query burst, or null exactly when {@code queryQps} is null
 * @param storageBytes the storage quota in bytes, or null
 * @param retentionDays days to keep events, or null
 */
public record QuotaLimits(@Nullable Long ingestQps, @Nullable Long ingestBurst, @Nullable Long queryQps,
                          @Nullable Long queryBurst, @Nullable Long storageBytes, @Nullable Integer retentionDays) {
    /** The largest rate: one token per nanosecond (the GCRA arithmetic is exact in integer nanoseconds up to it). */
    public static final long MAX_RATE = 1_000_000_000L;
    /** The largest burst. */
    public static final long MAX_BURST = 1_000_000_000L;
    /** The longest retention (100 years). */
    public static final int MAX_RETENTION_DAYS = 36_500;

    /** The limits of a new org (API.md): ingest 10000/s burst 20000, query 50/s burst 100, storage and retention unlimited. */
    public static final QuotaLimits DEFAULTS = new QuotaLimits(10_000L, 20_000L, 50L, 100L, null, null);

    /** No limit at all. */
    public static final QuotaLimits UNLIMITED = new QuotaLimits(null, null, null, null, null, null);

    public QuotaLimits {
        ingestBurst = burst("ingest", ingestQps, ingestBurst);
        queryBurst = burst("query", queryQps, queryBurst);
        if (storageBytes != null && storageBytes < 0) {
            throw invalid("storage_bytes must be >= 0 or null");
        }
        if (retentionDays != null && (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)) {
            throw invalid("retention_days must be between 1 and " + MAX_RETENTION_DAYS + " or null");
        }
    }

    private static @Nullable Long burst(String name, @Nullable Long rate, @Nullable Long burst) {
        if (rate == null) {
            if (burst != null) {
                throw invalid(name + "_burst needs " + name + "_qps");
            }
            return null;
        }
        if (rate < 1 || rate > MAX_RATE) {
            throw invalid(name + "_qps must be between 1 and " + MAX_RATE + " or null");
        }
        if (burst == null) {
            return Math.min(MAX_BURST, rate * 2);
        }
        if (burst < 1 || burst > MAX_BURST) {
            throw invalid(name + "_burst must be between 1 and " + MAX_BURST);
        }
        return burst;
    }

    private static MoleSignalException invalid(String message) {
        return new MoleSignalException(ErrorCode.INVALID_INPUT, message);
    }

    /** The rate of {@code kind} per second, or null when unlimited. */
    public @Nullable Long rate(QuotaKind kind) {
        return kind == QuotaKind.INGEST ? ingestQps : queryQps;
    }

    /** The burst of {@code kind}, or null when unlimited. */
    public @Nullable Long burst(QuotaKind kind) {
        return kind == QuotaKind.INGEST ? ingestBurst : queryBurst;
    }

    /** A builder starting from these limits (for a partial update: setting a rate alone resets its burst to 2×). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** Builds {@link QuotaLimits}; validation happens in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private @Nullable Long ingestQps;
        private @Nullable Long ingestBurst;
        private @Nullable Long queryQps;
        private @Nullable Long queryBurst;
        private @Nullable Long storageBytes;
        private @Nullable Integer retentionDays;

        private Builder(QuotaLimits from) {
            Objects.requireNonNull(from, "from");
            ingestQps = from.ingestQps;
            ingestBurst = from.ingestBurst;
            queryQps = from.queryQps;
            queryBurst = from.queryBurst;
            storageBytes = from.storageBytes;
            retentionDays = from.retentionDays;
        }

        /** Sets the ingest rate (null = unlimited) and resets the burst to twice the rate unless set after this. */
        public Builder ingestQps(@Nullable Long qps) {
            ingestQps = qps;
            ingestBurst = null;
            return this;
        }

        public Builder ingestBurst(@Nullable Long burst) {
            ingestBurst = burst;
            return this;
        }

        /** Sets the query rate (null = unlimited) and resets the burst to twice the rate unless set after this. */
        public Builder queryQps(@Nullable Long qps) {
            queryQps = qps;
            queryBurst = null;
            return this;
        }

        public Builder queryBurst(@Nullable Long burst) {
            queryBurst = burst;
            return this;
        }

        public Builder storageBytes(@Nullable Long bytes) {
            storageBytes = bytes;
            return this;
        }

        public Builder retentionDays(@Nullable Integer days) {
            retentionDays = days;
            return this;
        }

        /** @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} as described on {@link QuotaLimits} */
        public QuotaLimits build() {
            return new QuotaLimits(ingestQps, ingestBurst, queryQps, queryBurst, storageBytes, retentionDays);
        }
    }
}
