package io.molesignal.core.internal.quota;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.Ticker;
import io.molesignal.core.quota.QuotaKind;
import io.molesignal.core.quota.RateDecision;

/**
 * One lock-free GCRA bucket (generic cell rate algorithm, ATM Forum TM 4.0 / ITU-T I.371; the "virtual
 * scheduling" form): the state is the theoretical arrival time TAT; a request of cost c is admitted when
 * {@code max(TAT, now) + c·T − now ≤ τ}, with T the emission interval and τ = burst·T, and then TAT becomes
 * {@code max(TAT, now) + c·T}. One CAS per decision; the ticker is read inside the CAS loop.
 *
 * <p>Clock safety: when {@code TAT − now} exceeds τ (the ticker went backwards, or the burst was lowered), the state
 * is clamped to an empty bucket at {@code now} and written, so a backwards clock never mints tokens and never locks
 * the org out for longer than one fill time. Differences of ticker readings are taken with wrap-around semantics
 * (like {@link System#nanoTime()}), and every product is bounded by 10¹⁸ (see {@link RateParams}).
 *
 * <p>Live parameter changes: the state keeps the {@link RateParams} it was computed with. Under new parameters its
 * debt in tokens (burst minus available tokens) carries over, clamped to the new burst, and is written back to drain
 * at the new rate (Bucket4j's "as is" token inheritance): a lowered limit never leaves more than the new burst
 * available (no stale credit), and a raised one adds its extra room on the next decision.
 *
 * <p>The state also counts the decisions admitted ({@link #admitted()}), in the same CAS.
 */
public final class Gcra {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Gcra.class, "state", Tat.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile Tat state;

    /**
     * Decides a request of {@code cost} tokens.
     *
     * @param cost at least 1
     */
    public RateDecision tryAcquire(Ticker ticker, RateParams p, QuotaKind kind, long cost) {
        return tryAcquire(ticker, p, kind, cost, ticker.read());
    }

    /**
     * Decides a request of {@code cost} tokens, using {@code now} (a reading of {@code ticker} just taken) for the
     * first attempt; a retry after a lost CAS reads the ticker again.
     *
     * @param cost at least 1
     */
    public RateDecision tryAcquire(Ticker ticker, RateParams p, QuotaKind kind, long cost, long now) {
        if (cost > p.burst) {
            return new RateDecision(false, kind, ErrorCode.QUOTA_INGEST_BATCH, p.burst, 0, 0, -1, p.windowSeconds);
        }
        long need = cost * RateParams.UNIT;
        for (boolean first = true;; first = false) {
            if (!first) {
                now = ticker.read();
            }
            Tat s = (Tat) STATE.getVolatile(this);
            long debt = 0; // in units of 1/UNIT token, independent of the rate
            boolean rewrite = false;
            if (s != null) {
                RateParams q = s.params;
                long d = s.ns - now;
                long rem = s.rem;
                if (d < 0) {
                    d = 0;
                    rem = 0;
                }
                if (d > q.burstNs || (d == q.burstNs && rem > q.burstRem)) {
                    // TAT beyond now + tolerance: the ticker went backwards. Clamp to an empty bucket at now.
                    d = q.burstNs;
                    rem = q.burstRem;
                    rewrite = true;
                }
                debt = d * q.rate + rem; // <= burst * UNIT <= 1e18
                if (q != p) {
                    // New limits: the debt in tokens carries over, clamped to the new burst, and is written back
                    // so that it drains at the new rate from now on.
                    rewrite = true;
                    if (debt > p.burstUnits) {
                        debt = p.burstUnits;
                    }
                }
            }
            if (debt <= p.burstUnits - need) {
                long nd = debt + need; // > 0
                long ns = nd / p.rate; // one division: the remainder and the rounded-up reset follow from it
                long rem = nd - ns * p.rate;
                if (STATE.compareAndSet(this, s, new Tat(now + ns, rem, p, s == null ? 1 : s.admitted + 1))) {
                    return new RateDecision(true, kind, null, p.burst, (p.burstUnits - nd) / RateParams.UNIT,
                            rem == 0 ? ns : ns + 1, -1, p.windowSeconds);
                }
                continue;
            }
            if (rewrite && !STATE.compareAndSet(this, s, new Tat(now + debt / p.rate, debt % p.rate, p, s.admitted))) {
                continue;
            }
            long wait = ceilDiv(debt + need - p.burstUnits, p.rate);
            return new RateDecision(false, kind, kind.rateCode(), p.burst, (p.burstUnits - debt) / RateParams.UNIT,
                    ceilDiv(debt, p.rate), Math.max(1, wait), p.windowSeconds);
        }
    }

    /** Nanoseconds from {@code now} until the bucket is full (0 when full or never used). */
    public long nanosUntilFull(long now) {
        Tat s = (Tat) STATE.getVolatile(this);
        if (s == null) {
            return 0;
        }
        long d = s.ns - now;
        return d < 0 ? 0 : (s.rem > 0 ? d + 1 : d);
    }

    /** The number of decisions this bucket has admitted. */
    public long admitted() {
        Tat s = (Tat) STATE.getVolatile(this);
        return s == null ? 0 : s.admitted;
    }

    static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a - 1) / b + 1;
    }
}
