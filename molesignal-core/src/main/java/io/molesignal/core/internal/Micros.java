package io.molesignal.core.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Epoch-microsecond conversions: the precision every supported database round-trips exactly. */
public final class Micros {
    private Micros() {
    }

    /** Microseconds since the epoch (truncating). */
    public static long of(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** The instant of an epoch-microsecond value. */
    public static Instant toInstant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** {@code instant} truncated to microseconds. */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
