package io.molesignal.core.internal.quota;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.OrgId;
import io.molesignal.core.Ticker;
import io.molesignal.core.quota.QuotaAlert;
import io.molesignal.core.quota.QuotaKind;
import io.molesignal.core.quota.RateDecision;
import io.molesignal.core.quota.RateStore;

/**
 * The distributed mode: leases of up to {@code k} tokens taken from a shared {@link RateStore} and spent locally
 * (strategy "leased tokens" of the research note), with a fallback to a local share (limit ÷ N) while the store is
 * unreachable, or fail-open when the host explicitly allowed it.
 */
public final class DistributedLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedLimiter.class);
    private static final long STORE_RETRY_NANOS = 1_000_000_000L;

    private final RateStore store;
    private final Ticker ticker;
    private final int instances;
    private final long leaseTokens;
    private final long leaseTtlNanos;
    private final boolean failOpen;
    private final Consumer<QuotaAlert> alerts;
    private final @Nullable Ticker storeTime;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private volatile long retryStoreAt;
    private final AtomicLong storeErrors = new AtomicLong();

    /**
     * @param leaseTokens the lease size k, or 0 for max(1, min(burst/(2N), rate/20))
     * @param storeTime the time base shared by all instances that the store computes on (its readings / 1000 are sent
     *        as microseconds), or null for the store's own clock
     */
    public DistributedLimiter(RateStore store, Ticker ticker, int instances, long leaseTokens, long leaseTtlNanos,
                              boolean failOpen, Consumer<QuotaAlert> alerts, @Nullable Ticker storeTime) {
        this.storeTime = storeTime;
        this.store = store;
        this.ticker = ticker;
        this.instances = instances;
        this.leaseTokens = leaseTokens;
        this.leaseTtlNanos = leaseTtlNanos;
        this.failOpen = failOpen;
        this.alerts = alerts;
    }

    public RateStore store() {
        return store;
    }

    public boolean degraded() {
        return degraded.get();
    }

    public long storeErrors() {
        return storeErrors.get();
    }

    /** The lease size for parameters {@code p}. */
    public long leaseSize(RateParams p) {
        long k = leaseTokens > 0 ? leaseTokens : Math.min(p.burst / (2L * instances), p.rate / 20);
        return Math.max(1, Math.min(k, p.burst));
    }

    /**
     * Decides a request of {@code cost} tokens on the shared bucket (through this instance's lease).
     *
     * @param cost 1..{@code p.burst()}: the governor answers a larger cost with a 413 before calling
     */
    public RateDecision tryAcquire(OrgState state, RateParams p, QuotaKind kind, long cost) {
        Lease l = state.lease(kind);
        synchronized (l) {
            long now = ticker.read();
            RateParams current = state.config().params(kind);
            if (current != null && current.generation > p.generation) {
                p = current; // the limits changed since the caller read them: decide under the new ones
            }
            if (l.params != p) {
                l.tokens = 0;
                l.deniedMin = Long.MAX_VALUE;
                l.params = p;
                l.share = p.share(instances);
            }
            if (now - l.expiresAt >= 0) {
                l.tokens = 0; // a stale lease is dropped, not spent: it bounds how late leased tokens can be used
            }
            if (l.tokens >= cost) {
                l.tokens -= cost;
                return allowed(p, kind, l);
            }
            if (degraded.get() && now - retryStoreAt < 0) {
                return fallback(l, p, kind, cost, now);
            }
            long min = cost - l.tokens;
            if (now - l.deniedUntil < 0 && min >= l.deniedMin) {
                return denied(p, kind, l, l.deniedUntil - now);
            }
            long max = Math.min(p.burst, min + leaseSize(p));
            RateStore.Grant g;
            try {
                g = storeTime == null ? store.take(state.org(), kind, p.rate, p.burst, min, max)
                        : store.take(state.org(), kind, p.rate, p.burst, min, max, Math.floorDiv(storeTime.read(), 1000L));
            } catch (RuntimeException e) {
                storeFailed(now, e);
                return fallback(l, p, kind, cost, now);
            }
            storeOk();
            l.aheadMicros = g.aheadMicros();
            if (g.tokens() >= min) {
                l.tokens = l.tokens + g.tokens() - cost;
                l.expiresAt = now + leaseTtlNanos;
                l.deniedMin = Long.MAX_VALUE;
                return allowed(p, kind, l);
            }
            // Time until `min` tokens are available: ahead + min*T - burst*T, T = 1e6/rate µs.
            double tMicros = 1e6 / p.rate;
            double waitMicros = g.aheadMicros() + min * tMicros - p.burst * tMicros;
            long wait = Math.max(1, (long) Math.ceil(waitMicros * 1000));
            l.deniedUntil = now + wait;
            l.deniedMin = min;
            return denied(p, kind, l, wait);
        }
    }

    private RateDecision allowed(RateParams p, QuotaKind kind, Lease l) {
        long ahead = l.aheadMicros * 1000;
        long central = (long) Math.floor((p.fillNanos() - (double) ahead) * p.rate / 1e9);
        long remaining = Math.max(0, Math.min(p.burst, l.tokens + Math.max(0, central)));
        return new RateDecision(true, kind, null, p.burst, remaining, Math.max(0, ahead), -1, p.windowSeconds);
    }

    private RateDecision denied(RateParams p, QuotaKind kind, Lease l, long waitNanos) {
        return new RateDecision(false, kind, kind.rateCode(), p.burst, l.tokens, Math.max(0, l.aheadMicros * 1000),
                waitNanos, p.windowSeconds);
    }

    private RateDecision fallback(Lease l, RateParams p, QuotaKind kind, long cost, long now) {
        if (failOpen) {
            return new RateDecision(true, kind, null, p.burst, p.burst, 0, -1, p.windowSeconds);
        }
        if (cost > l.share.burst) {
            // Within the org's burst (checked before) but above the local share's: not a 413 (the batch is not too
            // large for the policy), a 429 until the store is tried again.
            return new RateDecision(false, kind, kind.rateCode(), p.burst, 0, 0, Math.max(1, retryStoreAt - now),
                    p.windowSeconds);
        }
        RateDecision d = l.fallback.tryAcquire(ticker, l.share, kind, cost);
        // Report the org's full policy; the local share is an implementation detail of the outage.
        return new RateDecision(d.allowed(), kind, d.code(), p.burst, d.remaining(), d.resetNanos(),
                d.retryAfterNanos(), p.windowSeconds);
    }

    private void storeFailed(long now, RuntimeException e) {
        storeErrors.incrementAndGet();
        retryStoreAt = now + STORE_RETRY_NANOS;
        if (degraded.compareAndSet(false, true)) {
            LOG.warn("quota store {} unreachable; using the local share (limit / {}){}: {}", store.name(), instances,
                    failOpen ? " with fail-open (allowInsecureFailOpen)" : "", e.toString());
            alerts.accept(new QuotaAlert(QuotaAlert.Type.STORE_UNREACHABLE, OrgId.META, "store", 0, 0));
        }
    }

    private void storeOk() {
        if (degraded.get() && degraded.compareAndSet(true, false)) {
            LOG.info("quota store {} answers again", store.name());
            alerts.accept(new QuotaAlert(QuotaAlert.Type.STORE_RECOVERED, OrgId.META, "store", 0, 0));
        }
    }
}
