package io.molesignal.core.internal.quota;

/**
 * Immutable GCRA parameters for one (rate, burst), precomputed for integer arithmetic.
 *
 * <p>Time is kept in nanoseconds plus a remainder in units of {@code 1/rate} ns, so the emission interval
 * {@code T = 1e9/rate} ns is exact for every rate (no drift when the rate does not divide 10⁹). A "unit" is
 * {@code 1/rate} ns; one token is {@link #UNIT} units and the tolerance (burst) is {@code burst × UNIT} units, at
 * most 10¹⁸, so no product overflows a {@code long}.
 */
public final class RateParams {
    /** Units per token: 10⁹ (one token costs 10⁹/rate ns = 10⁹ units of 1/rate ns). */
    public static final long UNIT = 1_000_000_000L;

    final long rate;
    final long burst;
    final long burstUnits;
    final long burstNs;
    final long burstRem;
    final long windowSeconds;
    final long generation;

    /** Parameters of generation 0: {@link #RateParams(long, long, long)}. */
    public RateParams(long rate, long burst) {
        this(rate, burst, 0);
    }

    /**
     * @param rate tokens per second, 1..10⁹
     * @param burst tokens, 1..10⁹
     * @param generation the change sequence of the limits these come from: a bucket whose state was computed under a
     *        later generation refuses to go back to these ({@link Gcra#STALE})
     * @throws IllegalArgumentException when rate or burst is out of range
     */
    public RateParams(long rate, long burst, long generation) {
        if (rate < 1 || rate > 1_000_000_000L || burst < 1 || burst > 1_000_000_000L) {
            throw new IllegalArgumentException("rate and burst must be in 1..1e9");
        }
        this.rate = rate;
        this.burst = burst;
        this.burstUnits = burst * UNIT;
        this.burstNs = burstUnits / rate;
        this.burstRem = burstUnits % rate;
        long fill = burstRem == 0 ? burstNs : burstNs + 1;
        this.windowSeconds = Math.max(1, (fill - 1) / UNIT + 1);
        this.generation = generation;
    }

    public long rate() {
        return rate;
    }

    public long burst() {
        return burst;
    }

    /** Nanoseconds an empty bucket takes to fill (rounded up). */
    public long fillNanos() {
        return burstRem == 0 ? burstNs : burstNs + 1;
    }

    /** The share of one of {@code n} instances: rate and burst divided by n (at least 1). */
    public RateParams share(int n) {
        return n <= 1 ? this : new RateParams(Math.max(1, rate / n), Math.max(1, burst / n), generation);
    }
}
