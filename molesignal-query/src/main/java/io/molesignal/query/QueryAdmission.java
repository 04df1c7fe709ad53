package io.molesignal.query;

import io.molesignal.core.Principal;

/**
 * The admission hook of {@link QueryExecutor}: called with the caller's principal before a query is planned, so a
 * host can plug in its query-rate quota. It may throw a {@link io.molesignal.core.MoleSignalException} (for example
 * {@code QUOTA_QUERY_RATE}); the query is then neither planned nor run. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface QueryAdmission {
    /** Admits everything. */
    QueryAdmission ALLOW_ALL = principal -> { };

    /**
     * Admits or refuses one query of {@code principal}.
     *
     * @throws io.molesignal.core.MoleSignalException to refuse it
     */
    void admit(Principal principal);
}
