package io.molesignal.core.internal.quota;

/**
 * An immutable GCRA state: the theoretical arrival time {@code ns + rem/rate} on the ticker, the parameters it
 * was computed with (the remainder is only meaningful for that rate), and the number of decisions this bucket has
 * admitted (carried by the same CAS, so counting costs no second atomic operation).
 */
final class Tat {
    final long ns;
    final long rem;
    final RateParams params;
    final long admitted;

    Tat(long ns, long rem, RateParams params, long admitted) {
        this.ns = ns;
        this.rem = rem;
        this.params = params;
        this.admitted = admitted;
    }
}
