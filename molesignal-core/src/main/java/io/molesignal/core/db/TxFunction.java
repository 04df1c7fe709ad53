package io.molesignal.core.db;

import java.sql.SQLException;

/**
 * A unit of work in one transaction.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface TxFunction<T> {
    /**
     * Runs the work.
     *
     * @throws SQLException a database failure; the transaction is rolled back and the caller gets
     *         {@link io.molesignal.core.ErrorCode#UNAVAILABLE}
     */
    T apply(Tx tx) throws SQLException;
}
