package io.molesignal.core.internal.quota;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.Ticker;
import io.molesignal.core.quota.QuotaKind;
import io.molesignal.core.quota.RateDecision;

/**
 * One GCRA bucket (generic cell rate algorithm, ATM Forum TM 4.0 / ITU-T I.371), kept in its "debt" form: the state
 * is the ticker reading {@code last} of the latest update and the debt at that reading in units of
 * {@code 1/}{@link RateParams#UNIT} token (a unit is also {@code 1/rate} ns of the theoretical arrival time TAT, so
 * {@code TAT = last + debt/rate}). At a reading {@code now} the debt is {@code max(0, debt − (now − last)·rate)}; a
 * request of cost {@code c} is admitted when {@code debt + c·UNIT ≤ burst·UNIT} (GCRA's {@code TAT + c·T − now ≤ τ}
 * with {@code T = 1/rate}, {@code τ = burst·T}), and the debt becomes {@code debt + c·UNIT}. The admit path has
 * no division; every product is bounded by 10¹⁸ (see {@link RateParams}), so nothing overflows.
 *
 * <p>Clock safety: a reading behind {@code last} (the ticker went backwards) adds the difference to the debt, which
 * keeps TAT where it was, so nothing is minted; when that would exceed the burst the bucket is clamped to empty at
 * the new reading, so a backwards clock never locks the org out for longer than one fill time. Differences of
 * ticker readings are taken with wrap-around semantics (like {@link System#nanoTime()}).
 *
 * <p>Live parameter changes: the state keeps the {@link RateParams} it was computed with. Under new parameters its
 * debt (which does not depend on the rate) carries over, clamped to the new burst, and is written back to drain at
 * the new rate (Bucket4j's "as is" token inheritance): a lowered limit never leaves more than the new burst
 * available (no stale credit), and a raised one adds its extra room on the next decision. Parameters of an older
 * generation than the state's (a caller that read the limits just before a change) are refused with
 * {@link #STALE}, taking nothing, so the old limits never come back.
 *
 * <p>Concurrency: an optimistic sequence lock (a seqlock, as in the Linux kernel). A decision reads an even version
 * and the state, and commits with one CAS of the version to odd, plain writes of the state and a release write of
 * the next even version; a lost CAS backs off (exponentially, a few microseconds at most, so that one thread keeps
 * the cache line for a while) and retries. A retry, or a first reading older than the state's, reads the ticker
 * again after the state, so a decision never computes with a reading older than an earlier commit's (unless the
 * ticker itself went backwards), and a race between threads is never mistaken for a backwards clock. A refusal that
 * changes nothing writes nothing and only re-validates the version. Decisions allocate nothing. A writer descheduled
 * inside its few writes makes others spin, then yield, until it resumes. Thread-safe.
 *
 * <p>The state also counts the decisions admitted ({@link #admitted()}), under the same write.
 */
public final class Gcra {
    private static final VarHandle VERSION;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(Gcra.class, "version", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * {@link #acquire}'s answer when the caller's parameters are of an older generation than those the state was last
     * computed with (it read the limits just before a change): nothing was taken; read the limits again and retry.
     */
    public static final long STALE = Long.MIN_VALUE;

    /** Even when stable, odd while a decision writes. Accessed through {@link #VERSION}. */
    @SuppressWarnings("unused")
    private volatile long version;
    // Written only while the version is odd; read between two reads of an even version.
    private long last;
    private long debt;
    private @Nullable RateParams params; // null: never used (a full bucket)
    private long admitted;

    /**
     * Decides a request of {@code cost} tokens, as a {@link RateDecision}: {@link #acquire} and
     * {@link #decision}, with 413 {@link ErrorCode#QUOTA_INGEST_BATCH} for a cost above the burst, and a 429 for
     * parameters older than the bucket's ({@link #STALE}).
     *
     * @param cost at least 1
     */
    public RateDecision tryAcquire(Ticker ticker, RateParams p, QuotaKind kind, long cost) {
        if (cost > p.burst) {
            return tooLarge(p, kind);
        }
        long r = acquire(ticker, p, cost, ticker.read());
        if (r == STALE) {
            // Older parameters than the bucket's: refuse (fail closed) rather than decide under limits since replaced.
            return new RateDecision(false, kind, kind.rateCode(), p.burst, 0, 0, 1, p.windowSeconds);
        }
        return decision(p, kind, cost, r);
    }

    /**
     * Decides a request of {@code cost} tokens.
     *
     * @param cost 1..{@code p.burst()} (a larger cost is never admitted)
     * @param now a reading of {@code ticker} just taken, used by the first attempt unless it is behind the state's
     *        (then, and on every retry, the ticker is read again after the state)
     * @return when admitted, the debt after it, in units (&gt; 0); when refused, {@code −(debt + 1)} (&lt; 0, above
     *         {@link #STALE}) with the debt at the reading that refused it; {@link #decision} turns either into a
     *         {@link RateDecision}; {@link #STALE} when {@code p} is older than the state's parameters
     */
    public long acquire(Ticker ticker, RateParams p, long cost, long now) {
        long need = cost * RateParams.UNIT; // cost <= 1e9: <= 1e18
        for (int spins = 0;; spins++) {
            long v = (long) VERSION.getAcquire(this);
            if ((v & 1) != 0) {
                backOff(spins);
                continue;
            }
            RateParams q = params;
            long lastSeen = last;
            long debtSeen = debt;
            if (spins > 0 || now - lastSeen < 0) {
                // A retry, or a reading taken before another decision committed a later one: read after the state,
                // so that only a ticker that really went backwards is treated as one.
                now = ticker.read();
            }
            long eff; // the debt at `now`, under p
            boolean write = q != p;
            if (write && q != null && q.generation > p.generation) {
                return STALE; // p was read before newer limits reached this bucket
            }
            if (q == null) {
                eff = 0;
            } else {
                long elapsed = now - lastSeen;
                if (elapsed >= 0) {
                    // elapsed <= burstNs: elapsed * rate <= burstUnits <= 1e18.
                    eff = elapsed > q.burstNs ? 0 : Math.max(0, debtSeen - elapsed * q.rate);
                } else {
                    long back = -elapsed; // negative only for Long.MIN_VALUE
                    if (back < 0 || back > q.burstNs || back * q.rate > q.burstUnits - debtSeen) {
                        eff = q.burstUnits; // the ticker went back by more than the room left: empty at now
                        write = true;
                    } else {
                        eff = debtSeen + back * q.rate; // TAT unchanged
                    }
                }
                if (eff > p.burstUnits) {
                    eff = p.burstUnits; // only under new, lower parameters
                }
            }
            long after = eff + need; // <= 2e18
            boolean admit = after <= p.burstUnits;
            if (!admit && !write) {
                // A refusal that changes nothing: valid if no write started since the version was read.
                VarHandle.acquireFence();
                if ((long) VERSION.getOpaque(this) == v) {
                    return -eff - 1;
                }
                continue;
            }
            if (!VERSION.compareAndSet(this, v, v + 1)) {
                contended(spins);
                continue;
            }
            // The odd version must be visible before any of the plain writes below: the CAS's acquire orders them
            // only after its read, so on weakly ordered CPUs (AArch64) a reader could see a new field and still the
            // old even version, and use a torn state. StampedLock.writeLock has the same fence after its CAS.
            VarHandle.storeStoreFence();
            last = now;
            params = p;
            if (admit) {
                debt = after;
                admitted++;
            } else {
                debt = eff;
            }
            VERSION.setRelease(this, v + 2);
            return admit ? after : -eff - 1;
        }
    }

    /** After a lost CAS: back off exponentially (4 to 256 spin-waits) so the winner keeps the line for a while. */
    private static void contended(int spins) {
        for (int i = 4 << Math.min(spins, 6); i > 0; i--) {
            Thread.onSpinWait();
        }
    }

    private static void backOff(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // the writer was descheduled inside its few writes
        }
    }

    /**
     * The decision value of {@link #acquire}'s result {@code r} for a request of {@code cost} tokens under {@code p}.
     */
    public static RateDecision decision(RateParams p, QuotaKind kind, long cost, long r) {
        if (r > 0) {
            return admitted(p, kind, r);
        }
        long debt = -(r + 1);
        long wait = ceilDiv(debt + cost * RateParams.UNIT - p.burstUnits, p.rate);
        return new RateDecision(false, kind, kind.rateCode(), p.burst, (p.burstUnits - debt) / RateParams.UNIT,
                ceilDiv(debt, p.rate), Math.max(1, wait), p.windowSeconds);
    }

    /** The decision of an admitted request that left {@code debt} units (&gt; 0) in the bucket. */
    public static RateDecision admitted(RateParams p, QuotaKind kind, long debt) {
        return new RateDecision(true, kind, null, p.burst, (p.burstUnits - debt) / RateParams.UNIT,
                ceilDiv(debt, p.rate), -1, p.windowSeconds);
    }

    /** The 413 decision of a request costing more than the burst (no wait can admit it, so no Retry-After). */
    public static RateDecision tooLarge(RateParams p, QuotaKind kind) {
        return new RateDecision(false, kind, ErrorCode.QUOTA_INGEST_BATCH, p.burst, 0, 0, -1, p.windowSeconds);
    }

    /** Nanoseconds from {@code now} until the bucket is full (0 when full or never used). */
    public long nanosUntilFull(long now) {
        for (int spins = 0;; spins++) {
            long v = (long) VERSION.getAcquire(this);
            if ((v & 1) == 0) {
                RateParams q = params;
                long lastSeen = last;
                long debtSeen = debt;
                VarHandle.acquireFence();
                if ((long) VERSION.getOpaque(this) == v) {
                    long elapsed = Math.max(0, now - lastSeen); // a reading behind `last` counts as no time
                    return q == null ? 0 : Math.max(0, ceilDiv(debtSeen, q.rate) - elapsed);
                }
            }
            backOff(spins);
        }
    }

    /** The number of decisions this bucket has admitted. */
    public long admitted() {
        for (int spins = 0;; spins++) {
            long v = (long) VERSION.getAcquire(this);
            if ((v & 1) == 0) {
                long n = admitted;
                VarHandle.acquireFence();
                if ((long) VERSION.getOpaque(this) == v) {
                    return n;
                }
            }
            backOff(spins);
        }
    }

    static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a - 1) / b + 1;
    }
}
