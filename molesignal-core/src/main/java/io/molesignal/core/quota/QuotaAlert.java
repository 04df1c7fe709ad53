package io.molesignal.core.quota;

import java.util.Objects;

import io.molesignal.core.OrgId;

/**
 * One alert of the quota governor, delivered to the {@link AlertSink}. Carries no secrets: an org id, a quota name
 * and numbers.
 *
 * @param type what happened
 * @param org the org concerned; {@link OrgId#META} for alerts about the governor itself (store unreachable, state
 *        evictions)
 * @param quota {@code ingest}, {@code query}, {@code storage} or {@code store}
 * @param used for storage alerts, the bytes in use (committed + reserved); otherwise 0
 * @param limit for storage alerts, the quota in bytes; for rate alerts the burst; otherwise 0
 */
public record QuotaAlert(Type type, OrgId org, String quota, long used, long limit) {
    public QuotaAlert {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(quota, "quota");
    }

    /** Kinds of alert. Each fires once per (org, quota) episode. */
    public enum Type {
        /** A rate quota started refusing requests (first rejection after 60 s without one). */
        RATE_REJECTING,
        /** A request carried more events than the ingest burst. */
        BATCH_TOO_LARGE,
        /** Storage usage reached 80 % of the quota. */
        STORAGE_NEARING,
        /** Storage usage reached 100 % of the quota, or a reservation was refused. */
        STORAGE_FULL,
        /** The distributed store is unreachable: decisions use the local share of the limit (limit ÷ N). */
        STORE_UNREACHABLE,
        /** The distributed store answers again. */
        STORE_RECOVERED,
        /** Size-based eviction dropped an org whose bucket was not full (over-admission for that org). */
        STATE_EVICTED_WITH_CREDIT
    }
}
