package io.molesignal.core;

/**
 * A monotonic time source in nanoseconds, for rate limits and elapsed-time measurements.
 *
 * <p>Only differences between two readings of the same ticker are meaningful. {@link #system()} is the only place
 * in MoleSignal that reads {@link System#nanoTime()}; tests inject a fake ticker and move it by hand. Wall-clock
 * time comes from an injected {@link java.time.Clock}.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {
    /** The current reading in nanoseconds. */
    long read();

    /** The system's monotonic ticker ({@link System#nanoTime()}). */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}

enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long read() {
        return System.nanoTime();
    }
}
