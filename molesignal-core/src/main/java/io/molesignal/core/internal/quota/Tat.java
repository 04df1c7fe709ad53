package io.molesignal.core.internal.quota;

/**
 * An immutable GCRA state: the theoretical arrival time {@code ns + rem/rate} on the ticker, and the parameters it
 * was computed with (the remainder is only meaningful for that rate).
 */
final class Tat {
    final long ns;
    final long rem;
    final RateParams params;

    Tat(long ns, long rem, RateParams params) {
        this.ns = ns;
        this.rem = rem;
        this.params = params;
    }
}
