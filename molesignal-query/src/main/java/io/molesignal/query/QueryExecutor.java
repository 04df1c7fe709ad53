package io.molesignal.query;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Dialect;
import io.molesignal.core.db.RowLevelSecurity;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.spi.CipherFunctions;
import io.molesignal.query.internal.Plan;
import io.molesignal.query.internal.SqlErrors;

/**
 * Runs tenant queries over the host's database: admission (the query-rate quota hook) → plan (cached) → bind the
 * org from the principal → run as one transaction → stream rows → decrypt marked columns in Java.
 *
 * <p><b>Walls.</b> The planner's guard is always on. With {@link Builder#rowLevelSecurity(RowLevelSecurity)} on
 * PostgreSQL, each query also runs through core's {@link TenantSession}: {@code SET LOCAL ROLE} to a role without
 * {@code BYPASSRLS} and {@code set_config(org setting, org, true)} from the principal, so the database's FORCEd
 * row-level-security policies are a second, independent wall. The wall is off unless set: the end-to-end benchmark
 * ({@code QueryEndToEndBenchmark}) measured it at 1.5–1.7× the hand-written queries, and once at 38× on the
 * {@code LIKE … ORDER BY ts LIMIT 100} query (PostgreSQL withholds statistics from non-leakproof operators under RLS).
 *
 * <p><b>Limits.</b> At most {@link Builder#maxRows(int)} rows are returned, or fewer when a call passes its own
 * limit ({@link #execute(Principal, String, List, int)}); the database is asked for one row more than the limit
 * (JDBC {@code maxRows}, fetch size at most 1,001), and {@link QueryResult#truncated()} tells when more existed.
 * Without the RLS wall, a query whose limit fits one fetch runs in auto-commit (a single statement is its own
 * transaction, without the COMMIT round trip); otherwise in an explicit transaction (a cursor fetches in batches).
 * The statement timeout ({@link Builder#statementTimeout(Duration)}) ends a query with
 * {@code QUERY_TIMEOUT}. Database errors become error codes with fixed messages that never carry stored values.
 *
 * <p>Thread-safe.
 */
public final class QueryExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(QueryExecutor.class);

    private final Database database;
    private final TenantQueryPlanner planner;
    private final TenantSession session;
    private final QueryAdmission admission;
    private final CipherFunctions cipher;
    private final int maxRows;
    private final Duration timeout;

    private QueryExecutor(Builder b) {
        this.database = b.database;
        this.planner = b.planner;
        TenantSession.Builder sb = TenantSession.builder(b.database);
        if (b.rls != null) {
            sb.rowLevelSecurity(b.rls);
        }
        this.session = sb.build();
        this.admission = b.admission;
        this.cipher = b.cipher;
        this.maxRows = b.maxRows;
        this.timeout = b.timeout;
        if (database.dialect() == Dialect.H2) {
            installH2Functions(database);
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the row-level-security wall is active. */
    public boolean rowLevelSecurityActive() {
        return session.rowLevelSecurityActive();
    }

    /**
     * Runs a query and collects its rows.
     *
     * @throws MoleSignalException what the admission hook throws (before planning); planning errors
     *         ({@code SQL_*}, {@code FORBIDDEN}); {@code QUERY_TIMEOUT}; {@code INVALID_INPUT} for a runtime data
     *         error (division by zero, a failed cast); {@code DECRYPT_FAILED}, {@code CIPHER_DISABLED};
     *         {@code UNAVAILABLE}
     */
    public QueryResult execute(Principal principal, String sql, List<?> params) {
        return execute(principal, sql, params, maxRows);
    }

    /**
     * Runs a query and collects at most {@code limit} rows (capped by {@link Builder#maxRows(int)}): the database is
     * asked for one row more than that ({@code setMaxRows}), so {@link QueryResult#truncated()} tells whether more
     * existed without fetching them. Errors as {@link #execute(Principal, String, List)}.
     *
     * @param limit the row limit of this call, at least 1 (API.md's {@code limit})
     * @throws IllegalArgumentException when {@code limit} is less than 1
     */
    public QueryResult execute(Principal principal, String sql, List<?> params, int limit) {
        List<List<Object>> rows = new ArrayList<>();
        QueryResult r = stream(principal, sql, params, limit, rows::add);
        return new QueryResult(r.columns(), rows, r.rowCount(), r.truncated());
    }

    /**
     * Runs a query, handing each row to {@code sink} as it is read (the result's {@code rows} is empty).
     * Errors as {@link #execute}.
     */
    public QueryResult stream(Principal principal, String sql, List<?> params, Consumer<List<Object>> sink) {
        return stream(principal, sql, params, maxRows, sink);
    }

    /**
     * {@link #stream(Principal, String, List, Consumer)} handing at most {@code limit} rows (capped by
     * {@link Builder#maxRows(int)}) to {@code sink}; {@link QueryResult#truncated()} as in
     * {@link #execute(Principal, String, List, int)}.
     *
     * @throws IllegalArgumentException when {@code limit} is less than 1
     */
    public QueryResult stream(Principal principal, String sql, List<?> params, int limit,
                              Consumer<List<Object>> sink) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(sink, "sink");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        int rowLimit = Math.min(limit, maxRows);
        admission.admit(principal);
        PlannedQuery pq = planner.plan(principal, sql, params);
        List<Object> binds = pq.bindValues(cipher);
        Plan plan = pq.plan();
        boolean subSecondTimeout = database.dialect() == Dialect.POSTGRESQL && timeout.toMillis() % 1000 != 0;
        if (!session.rowLevelSecurityActive() && !subSecondTimeout && rowLimit + 1 <= FETCH_SIZE) {
            // One statement whose rows fit one fetch: auto-commit runs it as its own transaction and saves the
            // COMMIT round trip (a cursor in an explicit transaction would fetch the same single batch).
            Connection c;
            try {
                c = database.dataSource().getConnection();
            } catch (SQLException e) {
                throw Database.unavailable(e);
            }
            try (c) {
                boolean autoCommit = c.getAutoCommit();
                if (!autoCommit) {
                    c.setAutoCommit(true);
                }
                try {
                    return run(c, principal, plan, binds, rowLimit, sink, false);
                } finally {
                    if (!autoCommit) {
                        // as core's Database does: a pool that does not reset it hands the next user what it gave
                        try {
                            c.setAutoCommit(false);
                        } catch (SQLException e) {
                            LOG.debug("could not restore auto-commit", e);
                        }
                    }
                }
            } catch (SQLException e) {
                throw mapped(e);
            }
        }
        return session.run(principal.org(), tx -> {
            try {
                return run(tx.connection(), principal, plan, binds, rowLimit, sink, subSecondTimeout);
            } catch (SQLException e) {
                throw mapped(e);
            }
        });
    }

    /** Rows per JDBC fetch: API.md's default limit plus the row that tells {@code truncated}. */
    private static final int FETCH_SIZE = 1001;

    private static MoleSignalException mapped(SQLException e) {
        MoleSignalException m = SqlErrors.map(e);
        LOG.debug("tenant query failed: {} (SQLSTATE {})", m.code(), e.getSQLState());
        return m;
    }

    private QueryResult run(Connection c, Principal principal, Plan plan, List<Object> binds, int rowLimit,
                            Consumer<List<Object>> sink, boolean subSecondTimeout) throws SQLException {
        // JDBC's timeout has whole seconds; a sub-second timeout on PostgreSQL costs one more round trip.
        if (subSecondTimeout) {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(plan.sql(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(Math.min(rowLimit + 1, FETCH_SIZE));
            ps.setMaxRows(rowLimit + 1);
            ps.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
            for (int i = 0; i < binds.size(); i++) {
                bind(c, ps, i + 1, binds.get(i));
            }
            long count = 0;
            boolean truncated = false;
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<ResultColumn> cols = plan.columns();
                while (rs.next()) {
                    if (count == rowLimit) {
                        truncated = true;
                        break;
                    }
                    List<Object> row = new ArrayList<>(cols.size());
                    for (int i = 0; i < cols.size(); i++) {
                        row.add(read(rs, md, i + 1, cols.get(i).type()));
                    }
                    decrypt(principal, plan, row);
                    sink.accept(java.util.Collections.unmodifiableList(row));
                    count++;
                }
            }
            return new QueryResult(plan.columns(), List.of(), count, truncated);
        }
    }

    private void decrypt(Principal principal, Plan plan, List<Object> row) {
        for (Plan.DecryptColumn d : plan.decrypts()) {
            Object v = row.get(d.index());
            if (v == null) {
                continue;
            }
            if (cipher == null) {
                throw new MoleSignalException(ErrorCode.CIPHER_DISABLED, "field encryption is not configured");
            }
            try {
                row.set(d.index(), cipher.decrypt(principal.org(), d.keyName(), d.field(), v.toString()));
            } catch (MoleSignalException e) {
                if (d.lenient() && e.code() == ErrorCode.DECRYPT_FAILED) {
                    row.set(d.index(), null);
                } else {
                    throw e;
                }
            }
        }
    }

    private void bind(Connection c, PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else if (v instanceof String[] arr) {
            Array a = c.createArrayOf(database.dialect() == Dialect.POSTGRESQL ? "text" : "VARCHAR", arr);
            ps.setArray(i, a);
        } else if (v instanceof Instant t) {
            ps.setObject(i, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
        } else if (v instanceof Integer n) {
            ps.setLong(i, n);
        } else {
            ps.setObject(i, v);
        }
    }

    private static Object read(ResultSet rs, ResultSetMetaData md, int i, ColumnType type) throws SQLException {
        Object v;
        switch (type) {
            case INTEGER -> {
                long l = rs.getLong(i);
                v = rs.wasNull() ? null : l;
            }
            case DOUBLE -> {
                double d = rs.getDouble(i);
                v = rs.wasNull() ? null : d;
            }
            case DECIMAL -> v = rs.getBigDecimal(i);
            case BOOLEAN -> {
                boolean b = rs.getBoolean(i);
                v = rs.wasNull() ? null : b;
            }
            case TIMESTAMP -> {
                Object o = rs.getObject(i);
                v = toInstant(o);
            }
            default -> v = rs.getString(i);
        }
        return v;
    }

    private static Instant toInstant(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Timestamp ts) {
            return ts.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        if (o instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        if (o instanceof OffsetDateTime od) {
            return od.toInstant();
        }
        if (o instanceof java.time.ZonedDateTime z) {
            return z.toInstant();
        }
        if (o instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        if (o instanceof LocalDate d) {
            return d.atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        if (o instanceof Instant in) {
            return in;
        }
        return null;
    }

    private static void installH2Functions(Database db) {
        db.inTransaction(tx -> {
            try (Statement st = tx.connection().createStatement()) {
                st.execute("CREATE ALIAS IF NOT EXISTS MS_JSON_VALUE DETERMINISTIC FOR "
                        + "'io.molesignal.query.internal.H2Functions.jsonValue'");
            }
            return null;
        });
    }

    /** Builds a {@link QueryExecutor}. Not thread-safe. */
    public static final class Builder {
        private Database database;
        private TenantQueryPlanner planner;
        private RowLevelSecurity rls;
        private QueryAdmission admission = QueryAdmission.ALLOW_ALL;
        private CipherFunctions cipher;
        private int maxRows = 10_000;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The host's database (required). */
        public Builder database(Database database) {
            if (this.database != null) {
                throw new IllegalStateException("database already set");
            }
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** The planner (required); its dialect must match the database. */
        public Builder planner(TenantQueryPlanner planner) {
            if (this.planner != null) {
                throw new IllegalStateException("planner already set");
            }
            this.planner = Objects.requireNonNull(planner, "planner");
            return this;
        }

        /**
         * Turns the PostgreSQL row-level-security wall on (policies applied with
         * {@link RowLevelSecurity#apply}); ignored on H2.
         */
        public Builder rowLevelSecurity(RowLevelSecurity rls) {
            if (this.rls != null) {
                throw new IllegalStateException("rowLevelSecurity already set");
            }
            this.rls = Objects.requireNonNull(rls, "rls");
            return this;
        }

        /** The admission hook run before planning (the query-rate quota). Default: admit all. */
        public Builder admission(QueryAdmission admission) {
            this.admission = Objects.requireNonNull(admission, "admission");
            return this;
        }

        /** The field cipher for {@code decrypt}/{@code try_decrypt}; without it they fail with CIPHER_DISABLED. */
        public Builder cipherFunctions(CipherFunctions cipher) {
            if (this.cipher != null) {
                throw new IllegalStateException("cipherFunctions already set");
            }
            this.cipher = Objects.requireNonNull(cipher, "cipher");
            return this;
        }

        /** The row limit (default 10,000). @throws IllegalArgumentException when not in 1..10,000,000 */
        public Builder maxRows(int maxRows) {
            if (maxRows < 1 || maxRows > 10_000_000) {
                throw new IllegalArgumentException("maxRows must be in 1..10000000");
            }
            this.maxRows = maxRows;
            return this;
        }

        /** The statement timeout (default 30 s). @throws IllegalArgumentException when not positive */
        public Builder statementTimeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("statementTimeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        /** @throws IllegalStateException when the database or planner is missing, or the dialects differ */
        public QueryExecutor build() {
            if (database == null || planner == null) {
                throw new IllegalStateException("database and planner are required");
            }
            TargetDialect expected = database.dialect() == Dialect.H2 ? TargetDialect.H2 : TargetDialect.POSTGRESQL;
            if (planner.dialect() != expected) {
                throw new IllegalStateException("the planner's dialect " + planner.dialect()
                        + " does not match the database " + database.dialect());
            }
            return new QueryExecutor(this);
        }
    }
}
