package io.molesignal.core.db;

import java.sql.Connection;

/**
 * A database transaction in progress, handed to store methods so that a mutation and its audit entry commit
 * together whoever implements the store.
 *
 * <p>A {@code Tx} is confined to the thread running the unit of work that received it and is invalid after that
 * unit returns. Stores must not commit, roll back, close the connection or change its auto-commit mode.
 */
public interface Tx {
    /** The JDBC connection of this transaction (auto-commit off). */
    Connection connection();

    /** The dialect of the database. */
    Dialect dialect();

    /**
     * Registers an action that runs after this transaction committed (for example invalidating a cache), on the
     * thread that committed. Actions do not run after a rollback; an action that throws is logged and skipped.
     */
    void afterCommit(Runnable action);
}
