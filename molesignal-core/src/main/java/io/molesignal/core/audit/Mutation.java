package io.molesignal.core.audit;

import java.sql.SQLException;

import io.molesignal.core.db.Tx;

/**
 * A mutation run by {@link AuditLog#mutate}: it changes state in {@code tx} and may complete the audit entry (its
 * target and details) before returning.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Mutation<T> {
    T apply(Tx tx, AuditRecord.Builder entry) throws SQLException;
}
