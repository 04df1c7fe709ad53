package io.molesignal.core.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * The host's database as MoleSignal uses it: a {@link DataSource}, its detected {@link Dialect}, a small transaction
 * helper and per-module Flyway migrations.
 *
 * <p><b>Transactions.</b> {@link #inTransaction(TxFunction)} borrows a connection, turns auto-commit off, runs the
 * work, commits, and returns the connection. On any exception it rolls back. A {@link SQLException} (including a
 * closed or unreachable {@code DataSource}) becomes {@link MoleSignalException} with {@link ErrorCode#UNAVAILABLE}
 * and a message that carries no SQL or stored values; a {@link MoleSignalException} thrown by the work is rethrown
 * as it is.
 *
 * <p><b>Migrations.</b> Each module owns versioned SQL migrations under {@code classpath:db/molesignal/<module>} and
 * its own Flyway history table {@code molesignal_<module>_schema_history}, so modules version independently and a
 * host that already uses Flyway is not disturbed.
 *
 * <p>Thread-safe; the host owns (and closes) the {@code DataSource}.
 */
public final class Database {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Pattern MODULE = Pattern.compile("[a-z][a-z0-9_]{0,30}");

    private final DataSource dataSource;
    private final Dialect dialect;
    private final boolean upperCaseIdentifiers;

    private Database(DataSource dataSource, Dialect dialect, boolean upperCaseIdentifiers) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.upperCaseIdentifiers = upperCaseIdentifiers;
    }

    /**
     * Wraps a data source, detecting its dialect with one connection.
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when no connection can be had or the database is
     *         neither H2 nor PostgreSQL
     */
    public static Database of(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            return new Database(dataSource, Dialect.detect(c), c.getMetaData().storesUpperCaseIdentifiers());
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The host's data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Quotes a lower-case identifier ({@link SqlIdentifiers#IDENTIFIER}) so that it names what the same identifier
     * unquoted names in DDL: on a database that folds unquoted names to upper case (H2 by default) the quoted name is
     * upper-cased, elsewhere (PostgreSQL, H2 with {@code DATABASE_TO_LOWER=TRUE}) it is kept. Reserved words
     * ({@code value}) stay usable either way.
     *
     * @throws IllegalArgumentException for a name that is not a valid identifier
     */
    public String quote(String identifier) {
        String name = SqlIdentifiers.require("identifier", identifier);
        return '"' + (upperCaseIdentifiers ? name.toUpperCase(java.util.Locale.ROOT) : name) + '"';
    }

    /** The detected dialect. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code work} in one transaction and returns its result.
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} on a database failure (the transaction is rolled
     *         back), or whatever {@link MoleSignalException} the work threw (rolled back too)
     */
    public <T> T inTransaction(TxFunction<T> work) {
        Objects.requireNonNull(work, "work");
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw unavailable(e);
        }
        try (c) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            TxImpl tx = new TxImpl(c, dialect);
            T result;
            try {
                result = work.apply(tx);
                c.commit();
            } catch (Throwable t) {
                rollbackQuietly(c, t);
                if (t instanceof SQLException s) {
                    throw unavailable(s);
                }
                throw t;
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
            tx.runAfterCommit();
            return result;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * Runs the migrations of one module: {@code classpath:db/molesignal/<module>} with the history table
     * {@code molesignal_<module>_schema_history}. A schema that already holds other tables gets a baseline at
     * version 0 first, so every module's {@code V1} still runs.
     *
     * @param module lower-case module name such as {@code core}, {@code auth}
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when a migration fails
     */
    public void migrate(String module) {
        migrate(module, "classpath:db/molesignal/" + module);
    }

    /**
     * Runs versioned migrations from {@code locations} with the history table
     * {@code molesignal_<module>_schema_history} (for a host's own tables, such as the example server's). A location
     * may contain the placeholder {@code {vendor}}, replaced by the dialect ({@code h2}, {@code postgresql}), for
     * dialect-specific scripts.
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when a migration fails
     */
    public void migrate(String module, String... locations) {
        if (!MODULE.matcher(module).matches()) {
            throw new IllegalArgumentException("module must match " + MODULE);
        }
        String[] resolved = java.util.Arrays.stream(locations)
                .map(l -> l.replace("{vendor}", dialect.name().toLowerCase(java.util.Locale.ROOT)))
                .toArray(String[]::new);
        // Several instances starting at once on a fresh PostgreSQL schema race to create (baseline) the history
        // table; a session advisory lock, held on a connection of its own, lets one instance migrate at a time.
        try (Connection lock = dialect == Dialect.POSTGRESQL ? dataSource.getConnection() : null) {
            if (lock != null) {
                try (var st = lock.createStatement()) {
                    st.execute("SELECT pg_advisory_lock(7382915502)");
                }
            }
            try {
                Flyway.configure(Database.class.getClassLoader())
                        .dataSource(dataSource)
                        .locations(resolved)
                        .table("molesignal_" + module + "_schema_history")
                        .baselineOnMigrate(true)
                        .baselineVersion("0")
                        .load()
                        .migrate();
            } finally {
                if (lock != null) {
                    try (var st = lock.createStatement()) {
                        st.execute("SELECT pg_advisory_unlock(7382915502)");
                    }
                }
            }
        } catch (FlywayException e) {
            LOG.error("migration of module {} failed", module, e);
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "database migration of module " + module + " failed", e);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The safe {@link ErrorCode#UNAVAILABLE} exception for a database failure (the cause is kept, its text not copied). */
    public static MoleSignalException unavailable(SQLException e) {
        LOG.debug("database failure (SQLSTATE {})", e.getSQLState(), e);
        return new MoleSignalException(ErrorCode.UNAVAILABLE, "the database is unavailable", e);
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            LOG.debug("could not restore auto-commit", e);
        }
    }

    private static final class TxImpl implements Tx {
        private final Connection connection;
        private final Dialect dialect;
        private final List<Runnable> afterCommit = new ArrayList<>(0);

        TxImpl(Connection connection, Dialect dialect) {
            this.connection = connection;
            this.dialect = dialect;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public Dialect dialect() {
            return dialect;
        }

        @Override
        public void afterCommit(Runnable action) {
            afterCommit.add(Objects.requireNonNull(action, "action"));
        }

        void runAfterCommit() {
            for (Runnable r : afterCommit) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("after-commit action failed", e);
                }
            }
        }
    }
}
