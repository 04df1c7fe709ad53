package io.molesignal.core.internal.quota;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.quota.QuotaKind;
import io.molesignal.core.quota.QuotaLimits;

/**
 * The in-memory state of one org: its limits (with the change sequence they came from) and one GCRA bucket per
 * rate quota. Limits are swapped with one volatile write of an immutable {@link Config}.
 */
public final class OrgState {
    /** Immutable limits and the GCRA parameters derived from them. */
    public static final class Config {
        final QuotaLimits limits;
        final long seq;
        final @Nullable RateParams ingest;
        final @Nullable RateParams query;

        public Config(QuotaLimits limits, long seq) {
            this.limits = limits;
            this.seq = seq;
            this.ingest = params(limits, QuotaKind.INGEST, seq);
            this.query = params(limits, QuotaKind.QUERY, seq);
        }

        private static @Nullable RateParams params(QuotaLimits l, QuotaKind k, long seq) {
            Long rate = l.rate(k);
            Long burst = l.burst(k);
            return rate == null || burst == null ? null : new RateParams(rate, burst, seq);
        }

        public QuotaLimits limits() {
            return limits;
        }

        public long seq() {
            return seq;
        }

        public @Nullable RateParams params(QuotaKind kind) {
            return kind == QuotaKind.INGEST ? ingest : query;
        }

        /**
         * Nanoseconds an empty bucket of the slowest quota takes to fill, the local share of one of {@code instances}
         * (the distributed mode's outage bucket) included: rounding the share down can make it slower than the whole.
         */
        long maxFillNanos(int instances) {
            return Math.max(fillNanos(ingest, instances), fillNanos(query, instances));
        }

        private static long fillNanos(@Nullable RateParams p, int instances) {
            return p == null ? 0 : Math.max(p.fillNanos(), p.share(instances).fillNanos());
        }
    }

    private final OrgId org;
    private volatile Config config;
    private final Gcra ingest = new Gcra();
    private final Gcra query = new Gcra();
    private volatile @Nullable Lease[] leases;
    private volatile boolean evicted;

    public OrgState(OrgId org, Config config) {
        this.org = org;
        this.config = config;
    }

    public OrgId org() {
        return org;
    }

    public Config config() {
        return config;
    }

    /** Applies newer limits; older or equal sequence numbers are ignored. Returns whether they were applied. */
    public synchronized boolean apply(Config newer) {
        if (newer.seq <= config.seq) {
            return false;
        }
        config = newer;
        Lease[] ls = leases;
        if (ls != null) {
            for (Lease l : ls) {
                if (l != null) {
                    l.drop();
                }
            }
        }
        return true;
    }

    /** Marks this state as evicted from the governor's cache (it must not be used for decisions any more). */
    public void markEvicted() {
        evicted = true;
    }

    /** Whether {@link #markEvicted()} was called. */
    public boolean evicted() {
        return evicted;
    }

    public Gcra bucket(QuotaKind kind) {
        return kind == QuotaKind.INGEST ? ingest : query;
    }

    /** The lease of {@code kind} for the distributed mode (created on first use). */
    public Lease lease(QuotaKind kind) {
        Lease[] ls = leases;
        if (ls == null) {
            synchronized (this) {
                ls = leases;
                if (ls == null) {
                    ls = new Lease[] {new Lease(), new Lease()};
                    leases = ls;
                }
            }
        }
        return ls[kind.ordinal()];
    }

    /** Whether every bucket is full at {@code now} (so dropping this state hands out nothing extra). */
    public boolean full(long now) {
        boolean leasesEmpty = true;
        Lease[] ls = leases;
        if (ls != null) {
            for (Lease l : ls) {
                leasesEmpty &= l == null || l.isEmpty() && l.fallback.nanosUntilFull(now) == 0;
            }
        }
        return leasesEmpty && ingest.nanosUntilFull(now) == 0 && query.nanosUntilFull(now) == 0;
    }

    /** The decisions admitted by this org's local buckets (not by the distributed mode's leases or fallback). */
    public long admitted() {
        return ingest.admitted() + query.admitted();
    }

    /**
     * How long after the last access this state may be forgotten without handing out extra tokens, when it is one of
     * {@code instances} sharing the limits (1 without the distributed mode).
     */
    public long idleNanos(int instances) {
        return config.maxFillNanos(instances);
    }
}
