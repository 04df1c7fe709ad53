package io.molesignal.core.internal.quota;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;
import io.molesignal.core.quota.QuotaLimits;

/** JDBC access to {@code ms_quota_limits} and {@code ms_quota_seq}. Stateless. */
public final class LimitsRepository {
    private static final String COLUMNS =
            "org_id, ingest_qps, ingest_burst, query_qps, query_burst, storage_bytes, retention_days, change_seq";

    /** A stored row. */
    public record Row(OrgId org, QuotaLimits limits, long seq) {
    }

    public Optional<Row> find(Tx tx, OrgId org) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT " + COLUMNS + " FROM ms_quota_limits WHERE org_id = ?")) {
            ps.setString(1, org.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Stores the limits with the next change sequence number and returns it. */
    public long upsert(Tx tx, OrgId org, QuotaLimits l) throws SQLException {
        // Locking the counter row serialises changes, so commit order equals sequence order for the pollers.
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE ms_quota_seq SET seq = seq + 1 WHERE id = 1")) {
            ps.executeUpdate();
        }
        long seq;
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT seq FROM ms_quota_seq WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            seq = rs.getLong(1);
        }
        int n;
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE ms_quota_limits SET ingest_qps = ?,"
                + " ingest_burst = ?, query_qps = ?, query_burst = ?, storage_bytes = ?, retention_days = ?,"
                + " change_seq = ? WHERE org_id = ?")) {
            bind(ps, l);
            ps.setLong(7, seq);
            ps.setString(8, org.value());
            n = ps.executeUpdate();
        }
        if (n == 0) {
            try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO ms_quota_limits (ingest_qps,"
                    + " ingest_burst, query_qps, query_burst, storage_bytes, retention_days, change_seq, org_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, l);
                ps.setLong(7, seq);
                ps.setString(8, org.value());
                ps.executeUpdate();
            }
        }
        return seq;
    }

    /** Rows changed after {@code seq}, oldest first, at most {@code max}. */
    public List<Row> changesSince(Tx tx, long seq, int max) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + COLUMNS
                + " FROM ms_quota_limits WHERE change_seq > ? ORDER BY change_seq")) {
            ps.setLong(1, seq);
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /** The highest sequence number handed out. */
    public long currentSeq(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT seq FROM ms_quota_seq WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Orgs with a retention setting, in org order, after {@code after} (null = from the start), at most {@code max}. */
    public List<Row> withRetention(Tx tx, @Nullable String after, int max) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + COLUMNS + " FROM ms_quota_limits"
                + " WHERE retention_days IS NOT NULL AND org_id > ? ORDER BY org_id")) {
            ps.setString(1, after == null ? "" : after);
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, QuotaLimits l) throws SQLException {
        setLong(ps, 1, l.ingestQps());
        setLong(ps, 2, l.ingestBurst());
        setLong(ps, 3, l.queryQps());
        setLong(ps, 4, l.queryBurst());
        setLong(ps, 5, l.storageBytes());
        if (l.retentionDays() == null) {
            ps.setNull(6, Types.INTEGER);
        } else {
            ps.setInt(6, l.retentionDays());
        }
    }

    private static void setLong(PreparedStatement ps, int i, @Nullable Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        OrgId org = OrgId.of(rs.getString(1));
        Integer days = rs.getObject(7) == null ? null : rs.getInt(7);
        QuotaLimits l = new QuotaLimits(getLong(rs, 2), getLong(rs, 3), getLong(rs, 4), getLong(rs, 5),
                getLong(rs, 6), days);
        return new Row(org, l, rs.getLong(8));
    }

    private static @Nullable Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
