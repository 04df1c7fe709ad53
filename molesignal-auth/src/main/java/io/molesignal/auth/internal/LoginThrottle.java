package io.molesignal.auth.internal;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.molesignal.core.Ticker;

/**
 * Failed-login counters per key (an account, a source address) with growing back-off: after {@code limit}
 * failures within {@code window} the key is blocked for {@code initialBackoff}; every failure after a block ends
 * (within a window of its end) doubles the block, up to {@code maxBackoff}. A key with no failure for a whole window
 * after its last failure or block starts afresh, so there is never a permanent lock-out. Counts are per instance (in memory, bounded).
 * Thread-safe.
 */
public final class LoginThrottle {
    private final int limit;
    private final long windowNanos;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final Ticker ticker;
    private final Cache<String, State> states;

    private static final class State {
        long windowStart;
        long lastFailure;
        int failures;
        long blockedUntil;
        long backoff;
    }

    public LoginThrottle(int limit, Duration window, Duration initialBackoff, Duration maxBackoff, Ticker ticker,
                         long maxKeys) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.initialBackoffNanos = initialBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
        this.ticker = ticker;
        this.states = Caffeine.newBuilder().maximumSize(maxKeys).ticker(ticker::read)
                .expireAfterAccess(window.plus(maxBackoff)).build();
    }

    /** How long {@code key} is still blocked, if it is. */
    public Optional<Duration> blocked(String key) {
        State s = states.getIfPresent(key);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            long now = ticker.read();
            return s.blockedUntil - now > 0 ? Optional.of(Duration.ofNanos(s.blockedUntil - now)) : Optional.empty();
        }
    }

    /** Counts a failure for {@code key}. */
    public void failure(String key) {
        State s = states.get(key, k -> new State());
        synchronized (s) {
            long now = ticker.read();
            if (s.failures == 0 || now - Math.max(s.lastFailure, s.blockedUntil) >= windowNanos) {
                s.windowStart = now;
                s.failures = 0;
                s.backoff = 0;
            }
            s.failures++;
            s.lastFailure = now;
            if (s.failures >= limit) {
                s.backoff = s.backoff == 0 ? initialBackoffNanos : Math.min(maxBackoffNanos, s.backoff * 2);
                s.blockedUntil = now + s.backoff;
            }
        }
    }

    /** Forgets {@code key}'s failures (a successful login of that account). */
    public void success(String key) {
        states.invalidate(key);
    }
}
