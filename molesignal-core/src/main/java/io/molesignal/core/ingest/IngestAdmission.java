package io.molesignal.core.ingest;

import java.sql.SQLException;

import io.molesignal.core.db.Tx;
import io.molesignal.core.quota.QuotaGovernor;
import io.molesignal.core.quota.RateDecision;
import io.molesignal.core.quota.RateLimitExceededException;
import io.molesignal.core.quota.StorageReservation;
import io.molesignal.core.Principal;

/**
 * The quota checks of the ingest path ({@code QuotaGovernor} implements them): the ingest rate (cost = number of
 * events) before anything runs, and a storage reservation for the stored events' bytes before the insert.
 * Implementations must be thread-safe.
 */
public interface IngestAdmission {

    /**
     * A storage reservation: committed in the insert's transaction (so usage and rows commit together), released
     * when the insert failed. The pipeline calls one of them, once.
     */
    interface Reservation {
        /** Turns the reservation into usage in {@code tx}, the transaction that inserted the rows. */
        void commit(Tx tx) throws SQLException;

        /** Gives the reserved bytes back. */
        void release();
    }

    /**
     * Admits {@code events} events for the principal's org.
     *
     * @return the rate decision, for the host's {@code RateLimit} headers (opaque to the pipeline)
     * @throws io.molesignal.core.MoleSignalException {@code QUOTA_INGEST_RATE} (429) or {@code QUOTA_INGEST_BATCH}
     *         (413) when refused
     */
    Object admitEvents(Principal principal, int events);

    /**
     * Reserves {@code bytes} of the principal's org's storage quota.
     *
     * @throws io.molesignal.core.MoleSignalException {@code QUOTA_STORAGE} (413) when it would exceed the limit
     */
    Reservation reserveBytes(Principal principal, long bytes);

    /**
     * The quota governor's ingest rate and storage quotas. A refused rate throws {@link RateLimitExceededException}
     * carrying the decision (for {@code Retry-After} and the {@code RateLimit} headers); a successful admission
     * returns the {@link RateDecision}.
     */
    static IngestAdmission of(QuotaGovernor governor) {
        java.util.Objects.requireNonNull(governor, "governor");
        return new IngestAdmission() {
            @Override
            public Object admitEvents(Principal principal, int events) {
                RateDecision d = governor.tryAcquireIngest(principal, Math.max(1, events));
                if (!d.allowed()) {
                    throw new RateLimitExceededException(d);
                }
                return d;
            }

            @Override
            public Reservation reserveBytes(Principal principal, long bytes) {
                StorageReservation r = governor.reserveStorage(principal, bytes);
                return new Reservation() {
                    @Override
                    public void commit(Tx tx) throws SQLException {
                        r.commit(tx);
                    }

                    @Override
                    public void release() {
                        r.close();
                    }
                };
            }
        };
    }

    /** No quotas at all (tests, hosts that meter elsewhere). Named loudly on purpose. */
    static IngestAdmission unlimitedInsecure() {
        return new IngestAdmission() {
            @Override
            public Object admitEvents(Principal principal, int events) {
                return "unlimited";
            }

            @Override
            public Reservation reserveBytes(Principal principal, long bytes) {
                return new Reservation() {
                    @Override
                    public void commit(Tx tx) {
                    }

                    @Override
                    public void release() {
                    }
                };
            }
        };
    }
}
