package io.molesignal.core.quota;

/**
 * A snapshot of the governor's counters, for the host's metrics (aggregates only: no org appears, because
 * {@code /metrics} is unauthenticated and org ids in labels would disclose the customer list).
 *
 * @param allowed rate decisions that admitted (a counter: it never goes down)
 * @param rejected rate decisions that refused (429 and 413)
 * @param storageRejected storage reservations refused (413)
 * @param stateEntries orgs with rate state in memory
 * @param evictionsWithCredit orgs evicted for size while their bucket was not full
 * @param storeErrors failed round trips to the distributed store
 * @param storeDegraded whether the distributed mode is currently on its local share (limit ÷ N)
 * @param alertsDropped alerts dropped because the sink was too slow
 */
public record QuotaMetrics(long allowed, long rejected, long storageRejected, long stateEntries,
                           long evictionsWithCredit, long storeErrors, boolean storeDegraded, long alertsDropped) {
}
