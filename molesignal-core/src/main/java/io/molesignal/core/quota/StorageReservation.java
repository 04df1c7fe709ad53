package io.molesignal.core.quota;

import java.util.concurrent.atomic.AtomicInteger;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * Bytes reserved against an org's storage quota before an insert ({@link QuotaGovernor#reserveStorage}). After the
 * insert, {@link #commit(Tx)} in the insert's own transaction (exact accounting) or {@link #commit()} afterwards;
 * on failure {@link #close()} releases the bytes. {@code close()} after a commit does nothing, so
 * try-with-resources is the intended use:
 *
 * <pre>{@code
 * try (StorageReservation r = governor.reserveStorage(principal, bytes)) {
 *     database.inTransaction(tx -> { insertEvents(tx); r.commit(tx); return null; });
 * }
 * }</pre>
 *
 * <p>A reservation that is neither committed nor released (a crashed instance) is expired by the reconciler after
 * the governor's reservation timeout. Thread-safe; commit and release each happen at most once.
 */
public final class StorageReservation implements AutoCloseable {
    private static final int OPEN = 0;
    private static final int SETTLING = 1;
    private static final int DONE = 2;

    private final QuotaGovernor governor;
    private final OrgId org;
    private final String id;
    private final long bytes;
    private final AtomicInteger state = new AtomicInteger(OPEN);

    StorageReservation(QuotaGovernor governor, OrgId org, String id, long bytes) {
        this.governor = governor;
        this.org = org;
        this.id = id;
        this.bytes = bytes;
    }

    /** The org the bytes were reserved for. */
    public OrgId org() {
        return org;
    }

    /** The reserved bytes. */
    public long bytes() {
        return bytes;
    }

    /**
     * Commits in the caller's transaction: the bytes become used when (and only when) that transaction commits.
     *
     * @throws IllegalStateException when already committed or released
     */
    public void commit(Tx tx) throws java.sql.SQLException {
        begin();
        try {
            governor.commitReservation(tx, org, id, bytes);
        } catch (java.sql.SQLException | RuntimeException e) {
            state.set(OPEN);
            throw e;
        }
        tx.afterCommit(() -> governor.afterStorageChange(org));
        state.set(DONE);
    }

    /**
     * Commits in a transaction of its own.
     *
     * @throws IllegalStateException when already committed or released
     * @throws io.molesignal.core.MoleSignalException {@link io.molesignal.core.ErrorCode#UNAVAILABLE} on a database
     *         failure (the reservation stays open)
     */
    public void commit() {
        begin();
        try {
            governor.database().inTransaction(tx -> {
                governor.commitReservation(tx, org, id, bytes);
                return null;
            });
        } catch (RuntimeException e) {
            state.set(OPEN);
            throw e;
        }
        state.set(DONE);
        governor.afterStorageChange(org);
    }

    /** Releases the bytes unless committed; idempotent. Database failures are logged, not thrown. */
    @Override
    public void close() {
        if (state.compareAndSet(OPEN, DONE)) {
            governor.releaseReservation(org, id, bytes);
        }
    }

    private void begin() {
        if (!state.compareAndSet(OPEN, SETTLING)) {
            throw new IllegalStateException("reservation already committed or released");
        }
    }

    @Override
    public String toString() {
        return "StorageReservation[" + org + ", " + bytes + " bytes]";
    }
}
