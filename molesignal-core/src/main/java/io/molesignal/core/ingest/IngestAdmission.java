package io.molesignal.core.ingest;

import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;

/**
 * The quota checks of the ingest path ({@code QuotaGovernor} implements them): the ingest rate (cost = number of
 * events) before anything runs, and a storage reservation for the stored events' bytes before the insert.
 * Implementations must be thread-safe.
 */
public interface IngestAdmission {

    /** A storage reservation: committed after the insert, released when it failed. Each is called at most once. */
    interface Reservation {
        void commit();

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
     * Reserves {@code bytes} of the org's storage quota.
     *
     * @throws io.molesignal.core.MoleSignalException {@code QUOTA_STORAGE} (413) when it would exceed the limit
     */
    Reservation reserveBytes(OrgId org, long bytes);

    /** No quotas at all (tests, hosts that meter elsewhere). Named loudly on purpose. */
    static IngestAdmission unlimitedInsecure() {
        return new IngestAdmission() {
            @Override
            public Object admitEvents(Principal principal, int events) {
                return "unlimited";
            }

            @Override
            public Reservation reserveBytes(OrgId org, long bytes) {
                return new Reservation() {
                    @Override
                    public void commit() {
                    }

                    @Override
                    public void release() {
                    }
                };
            }
        };
    }
}
