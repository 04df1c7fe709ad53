package io.molesignal.core.quota;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Dialect;

/**
 * The PostgreSQL {@link RateStore}: one row per (org, kind) in {@code ms_quota_gcra} (created by the core
 * migrations) holding the GCRA theoretical arrival time in microseconds of the database clock
 * ({@code clock_timestamp()}), so one clock decides for every instance (or, with
 * {@link QuotaGovernor.Builder#distributedTime}, of the time the instances send).
 *
 * <p>{@link #take} is a single statement in auto-commit: a CTE locks the row ({@code FOR UPDATE}, which returns its
 * latest version), reads {@code clock_timestamp()} only once the lock is held, and the {@code UPDATE … RETURNING}
 * writes the new TAT; so concurrent takes never lose an update and never compute with a stale clock. The first take of a key inserts the row ({@code ON CONFLICT DO NOTHING}) and repeats. Times are
 * double-precision microseconds (exact to well below a microsecond for any epoch-based value), and the available
 * token count is floored, so rounding can only refuse, never admit.
 *
 * <p>Thread-safe; uses the host's pool. PostgreSQL only (H2 is refused at construction).
 */
public final class PostgresRateStore implements RateStore {
    private static final String BASE = "LEAST(GREATEST(p.tat, p.now), p.now + p.b)";
    private static final String AVAIL = "FLOOR((p.b - (" + BASE + " - p.now)) / p.t + 1e-9)";
    private static final String TAKE = "(CASE WHEN " + AVAIL + " >= p.mn THEN LEAST(p.mx, " + AVAIL + ") ELSE 0 END)";
    // The row is locked first (l); the database clock is read after the lock is held (p), so a statement that
    // waited for the lock never uses a stale "now" (which would place the TAT in the past and forget tokens).
    private static final String UPDATE = "WITH l AS (SELECT tat_us FROM ms_quota_gcra WHERE org_id = ? AND kind = ?"
            + " FOR UPDATE), p AS (SELECT l.tat_us AS tat, COALESCE(CAST(? AS DOUBLE PRECISION),"
            + " CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS DOUBLE PRECISION)) AS now,"
            + " CAST(? AS DOUBLE PRECISION) AS t, CAST(? AS DOUBLE PRECISION) AS b,"
            + " CAST(? AS BIGINT) AS mn, CAST(? AS BIGINT) AS mx FROM l)"
            + " UPDATE ms_quota_gcra AS g SET last_take = " + TAKE + ", tat_us = " + BASE + " + " + TAKE + " * p.t"
            + " FROM p WHERE g.org_id = ? AND g.kind = ? RETURNING g.last_take, g.tat_us - p.now";
    private static final String INSERT = "INSERT INTO ms_quota_gcra (org_id, kind, tat_us, last_take)"
            + " VALUES (?, ?, 0, 0) ON CONFLICT DO NOTHING";

    private final Database database;

    private PostgresRateStore(Database database) {
        this.database = database;
    }

    /**
     * A store on the host's PostgreSQL database (the core migrations must have run).
     *
     * @throws IllegalArgumentException when the database is not PostgreSQL
     */
    public static PostgresRateStore create(Database database) {
        Objects.requireNonNull(database, "database");
        if (database.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("PostgresRateStore needs PostgreSQL");
        }
        return new PostgresRateStore(database);
    }

    @Override
    public Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens) {
        return take(org, kind, ratePerSecond, burst, minTokens, maxTokens, null);
    }

    /** Computed at {@code nowMicros} of the callers' shared time base instead of {@code clock_timestamp()}. */
    @Override
    public Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens,
                      long nowMicros) {
        return take(org, kind, ratePerSecond, burst, minTokens, maxTokens, Long.valueOf(nowMicros));
    }

    private Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens,
                       @Nullable Long nowMicros) {
        double t = 1e6 / ratePerSecond;
        double b = burst * t;
        try (Connection c = database.dataSource().getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            for (int attempt = 0; attempt < 2; attempt++) {
                try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                    ps.setString(1, org.value());
                    ps.setString(2, kind.wireName());
                    if (nowMicros == null) {
                        ps.setNull(3, Types.DOUBLE);
                    } else {
                        ps.setDouble(3, nowMicros);
                    }
                    ps.setDouble(4, t);
                    ps.setDouble(5, b);
                    ps.setLong(6, minTokens);
                    ps.setLong(7, maxTokens);
                    ps.setString(8, org.value());
                    ps.setString(9, kind.wireName());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new Grant(rs.getLong(1), Math.max(0, (long) Math.ceil(rs.getDouble(2))));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    ps.setString(1, org.value());
                    ps.setString(2, kind.wireName());
                    ps.executeUpdate();
                }
            }
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "quota row missing after insert");
        } catch (SQLException e) {
            throw Database.unavailable(e);
        }
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public void close() {
        // The host owns the pool.
    }
}
