package io.molesignal.core.internal.quota;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Dialect;
import io.molesignal.core.db.SqlIdentifiers;
import io.molesignal.core.db.Tx;
import io.molesignal.core.quota.EventTable;

/**
 * JDBC access to storage usage ({@code ms_quota_storage}, {@code ms_quota_reservation}) and to the registered event
 * tables. Identifiers in generated SQL come only from {@link EventTable}s, validated by {@link SqlIdentifiers}.
 */
public final class StorageLedger {
    /** Usage of one org: committed and reserved bytes. */
    public record Usage(long used, long reserved) {
        public long total() {
            return used + reserved;
        }
    }

    /** What a bounded delete removed. */
    public record Deleted(long events, long bytes) {
    }

    /** Locks the org's usage row (creating it when missing) and returns it. */
    public Usage lock(Tx tx, OrgId org) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "SELECT used_bytes, reserved_bytes FROM ms_quota_storage WHERE org_id = ? FOR UPDATE")) {
                ps.setString(1, org.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Usage(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            String insert = tx.dialect() == Dialect.POSTGRESQL
                    ? "INSERT INTO ms_quota_storage (org_id, used_bytes, reserved_bytes) VALUES (?, 0, 0)"
                            + " ON CONFLICT DO NOTHING"
                    : "MERGE INTO ms_quota_storage t USING (VALUES (CAST(? AS VARCHAR(64)))) s(o) ON t.org_id = s.o"
                            + " WHEN NOT MATCHED THEN INSERT (org_id, used_bytes, reserved_bytes) VALUES (s.o, 0, 0)";
            try (PreparedStatement ps = tx.connection().prepareStatement(insert)) {
                ps.setString(1, org.value());
                ps.executeUpdate();
            } catch (SQLException e) {
                // H2: a concurrent insert won the race; the statement failed alone and the transaction goes on.
                if (tx.dialect() != Dialect.H2 || !tx.dialect().isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
        throw new SQLException("usage row missing after insert");
    }

    public Usage read(Tx tx, OrgId org) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT used_bytes, reserved_bytes FROM ms_quota_storage WHERE org_id = ?")) {
            ps.setString(1, org.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Usage(rs.getLong(1), rs.getLong(2)) : new Usage(0, 0);
            }
        }
    }

    /** Adds deltas to the (locked or not) usage row; results never go below zero. */
    public void add(Tx tx, OrgId org, long usedDelta, long reservedDelta) throws SQLException {
        lock(tx, org);
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE ms_quota_storage SET"
                + " used_bytes = GREATEST(0, used_bytes + ?), reserved_bytes = GREATEST(0, reserved_bytes + ?)"
                + " WHERE org_id = ?")) {
            ps.setLong(1, usedDelta);
            ps.setLong(2, reservedDelta);
            ps.setString(3, org.value());
            ps.executeUpdate();
        }
    }

    public void set(Tx tx, OrgId org, long used, long reserved) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_quota_storage SET used_bytes = ?, reserved_bytes = ? WHERE org_id = ?")) {
            ps.setLong(1, used);
            ps.setLong(2, reserved);
            ps.setString(3, org.value());
            ps.executeUpdate();
        }
    }

    public void insertReservation(Tx tx, OrgId org, String id, long bytes, long createdMicros) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO ms_quota_reservation"
                + " (org_id, reservation_id, bytes, created_micros) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, org.value());
            ps.setString(2, id);
            ps.setLong(3, bytes);
            ps.setLong(4, createdMicros);
            ps.executeUpdate();
        }
    }

    /** Deletes a reservation; returns whether it still existed (the reconciler may have expired it). */
    public boolean deleteReservation(Tx tx, OrgId org, String id) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "DELETE FROM ms_quota_reservation WHERE org_id = ? AND reservation_id = ?")) {
            ps.setString(1, org.value());
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes the org's reservations created before {@code beforeMicros}; returns their bytes. */
    public long expireReservations(Tx tx, OrgId org, long beforeMicros) throws SQLException {
        long bytes = 0;
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT COALESCE(SUM(bytes), 0)"
                + " FROM ms_quota_reservation WHERE org_id = ? AND created_micros < ?")) {
            ps.setString(1, org.value());
            ps.setLong(2, beforeMicros);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                bytes = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "DELETE FROM ms_quota_reservation WHERE org_id = ? AND created_micros < ?")) {
            ps.setString(1, org.value());
            ps.setLong(2, beforeMicros);
            ps.executeUpdate();
        }
        return bytes;
    }

    /** The sum of the size column of the org's events in {@code t}. */
    public long sumSize(Tx tx, EventTable t, OrgId org) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT COALESCE(SUM(" + q(t.sizeColumn())
                + "), 0) FROM " + q(t.table()) + " WHERE " + q(t.orgColumn()) + " = ?")) {
            ps.setString(1, org.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Orgs known to core or with usage, after {@code after}, in order, at most {@code max}. */
    public List<OrgId> orgs(Tx tx, @Nullable String after, int max) throws SQLException {
        List<OrgId> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT o FROM (SELECT org_id AS o FROM ms_org"
                + " UNION SELECT org_id AS o FROM ms_quota_storage) x WHERE o > ? ORDER BY o")) {
            ps.setString(1, after == null ? "" : after);
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(OrgId.of(rs.getString(1)));
                }
            }
        }
        return out;
    }

    /**
     * Deletes at most {@code limit} of the org's events in {@code t} that are older than {@code cutoff} (when not
     * null) and belong to {@code stream} (when not null); returns their count and summed size.
     */
    public Deleted deleteBatch(Tx tx, EventTable t, OrgId org, @Nullable Instant cutoff, @Nullable String stream,
                               int limit) throws SQLException {
        StringBuilder where = new StringBuilder(q(t.orgColumn())).append(" = ?");
        if (cutoff != null) {
            where.append(" AND ").append(q(t.timestampColumn())).append(" < ?");
        }
        if (stream != null) {
            where.append(" AND ").append(q(t.streamColumn())).append(" = ?");
        }
        String table = q(t.table());
        String size = q(t.sizeColumn());
        String sql = tx.dialect() == Dialect.POSTGRESQL
                ? "WITH d AS (DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + where
                        + " LIMIT ?) RETURNING " + size + ") SELECT COUNT(*), COALESCE(SUM(" + size + "), 0) FROM d"
                : "SELECT COUNT(*), COALESCE(SUM(" + size + "), 0) FROM OLD TABLE (DELETE FROM " + table + " WHERE "
                        + where + " FETCH FIRST ? ROWS ONLY)";
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, org.value());
            if (cutoff != null) {
                ps.setTimestamp(i++, Timestamp.from(cutoff));
            }
            if (stream != null) {
                ps.setString(i++, stream);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Deleted(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    // Unquoted on purpose: validated lower-case names resolve the same on PostgreSQL and H2 (which folds
    // unquoted names to upper case, so a quoted lower-case name would miss a table the host created unquoted).
    private static String q(@Nullable String identifier) {
        return SqlIdentifiers.require("identifier", identifier);
    }
}
