package io.molesignal.core.internal.quota;

/**
 * Per (org, kind) state of the distributed mode on one instance: tokens leased from the shared store and not yet
 * spent, the store's last refusal, and the local bucket used while the store is unreachable. Guarded by its own
 * monitor.
 */
public final class Lease {
    long tokens;
    long expiresAt;
    long deniedUntil;
    long deniedMin = Long.MAX_VALUE;
    long aheadMicros;
    RateParams params;
    RateParams share;
    final Gcra fallback = new Gcra();

    synchronized void drop() {
        tokens = 0;
        deniedMin = Long.MAX_VALUE;
        params = null;
    }

    synchronized boolean isEmpty() {
        return tokens == 0;
    }
}
