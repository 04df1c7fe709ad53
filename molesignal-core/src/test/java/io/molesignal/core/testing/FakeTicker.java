package io.molesignal.core.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.molesignal.core.Ticker;

/** A ticker tests move by hand. Thread-safe. */
public final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
        return nanos.get();
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    public void set(long value) {
        nanos.set(value);
    }
}
