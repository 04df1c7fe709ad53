package io.molesignal.core.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

import io.molesignal.core.OrgId;

/**
 * Runs a unit of tenant work — a query, an ingest batch, a background job's slice for one org — so that the
 * database itself holds it to one org when the row-level-security wall is on.
 *
 * <p>On PostgreSQL with {@link Builder#rowLevelSecurity(RowLevelSecurity)} set, each unit runs in one transaction
 * that first executes {@code SET LOCAL ROLE <tenant role>} (a role without {@code BYPASSRLS}) and
 * {@code SELECT set_config('<org setting>', ?, true)} with the org bound as a parameter; both end with the
 * transaction. The org comes from the caller (the authenticated principal or a system job), never from SQL text.
 * Without the wall, or on H2, the unit runs in a plain transaction and isolation rests on the query planner.
 *
 * <p>Immutable and thread-safe.
 */
public final class TenantSession {
    private final Database database;
    private final RowLevelSecurity rls;

    private TenantSession(Builder b) {
        this.database = b.database;
        this.rls = b.rls;
    }

    /** A builder over the host's database. */
    public static Builder builder(Database database) {
        return new Builder(database);
    }

    /** Whether the row-level-security wall is active (set and on PostgreSQL). */
    public boolean rowLevelSecurityActive() {
        return rls != null && database.dialect() == Dialect.POSTGRESQL;
    }

    /** The database. */
    public Database database() {
        return database;
    }

    /**
     * Runs {@code work} for {@code org} in a new transaction.
     *
     * @throws io.molesignal.core.MoleSignalException {@link io.molesignal.core.ErrorCode#UNAVAILABLE} on a database
     *         failure, or what the work threw; the transaction is rolled back in both cases
     */
    public <T> T run(OrgId org, TxFunction<T> work) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(work, "work");
        return database.inTransaction(tx -> {
            enter(tx, org);
            return work.apply(tx);
        });
    }

    /**
     * Switches an open transaction into tenant mode for {@code org} (for a caller that must combine tenant work with
     * other statements it runs first). Until the transaction ends, RLS-protected tables show only {@code org}'s rows.
     */
    public void enter(Tx tx, OrgId org) throws SQLException {
        if (!rowLevelSecurityActive()) {
            return;
        }
        try (Statement st = tx.connection().createStatement()) {
            st.execute("SET LOCAL ROLE " + SqlIdentifiers.quote(rls.tenantRole()));
        }
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT set_config(?, ?, true)")) {
            ps.setString(1, rls.orgSetting());
            ps.setString(2, org.value());
            ps.execute();
        }
    }

    /**
     * Leaves tenant mode inside the transaction ({@code RESET ROLE}), for MoleSignal's own bookkeeping that follows
     * tenant work in the same transaction (storage usage after an insert). Never call it with tenant SQL pending.
     */
    public void leave(Tx tx) throws SQLException {
        if (!rowLevelSecurityActive()) {
            return;
        }
        try (Statement st = tx.connection().createStatement()) {
            st.execute("RESET ROLE");
        }
    }

    /** Builds a {@link TenantSession}. Not thread-safe. */
    public static final class Builder {
        private final Database database;
        private RowLevelSecurity rls;

        private Builder(Database database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        /**
         * Turns the row-level-security wall on (PostgreSQL only; on H2 it is ignored). The policies must have been
         * applied with {@link RowLevelSecurity#apply}.
         *
         * @throws IllegalStateException when set twice
         */
        public Builder rowLevelSecurity(RowLevelSecurity rowLevelSecurity) {
            if (this.rls != null) {
                throw new IllegalStateException("rowLevelSecurity already set");
            }
            this.rls = Objects.requireNonNull(rowLevelSecurity, "rowLevelSecurity");
            return this;
        }

        public TenantSession build() {
            return new TenantSession(this);
        }
    }
}
