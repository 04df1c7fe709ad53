package io.molesignal.core.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;
import io.molesignal.core.internal.Micros;

/**
 * The JDBC {@link AuditStore} over the tables of the core migrations ({@code ms_audit_entry}, {@code ms_audit_head}),
 * for H2 and PostgreSQL. Timestamps are stored as epoch microseconds ({@code BIGINT}) so every database round-trips
 * them exactly. Stateless and thread-safe.
 */
public final class JdbcAuditStore implements AuditStore {
    private static final String COLUMNS = "org_id, seq, ts_micros, actor_type, actor_id, actor_name, action, target, "
            + "outcome, status, request_id, source_address, details, entry_count, chain, hash";

    @Override
    public ChainHead lockHead(Tx tx, OrgId org, String genesisHash) throws SQLException {
        Connection c = tx.connection();
        Optional<ChainHead> head = selectHead(c, org, true);
        if (head.isPresent()) {
            return head.get();
        }
        // Create the head; a concurrent creator wins the race harmlessly (the savepoint keeps our transaction usable).
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ms_audit_head (org_id, last_seq, last_hash) VALUES (?, 0, ?)")) {
            ps.setString(1, org.value());
            ps.setString(2, genesisHash);
            ps.executeUpdate();
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            if (!tx.dialect().isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(sp);
        }
        return selectHead(c, org, true).orElseThrow(() -> new SQLException("audit head missing after insert"));
    }

    private static Optional<ChainHead> selectHead(Connection c, OrgId org, boolean lock) throws SQLException {
        String sql = "SELECT last_seq, last_hash FROM ms_audit_head WHERE org_id = ?" + (lock ? " FOR UPDATE" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, org.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ChainHead(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    @Override
    public void append(Tx tx, AuditEntry e) throws SQLException {
        Connection c = tx.connection();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ms_audit_entry (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, e.org().value());
            ps.setLong(2, e.seq());
            ps.setLong(3, Micros.of(e.timestamp()));
            ps.setString(4, e.actor().type().wireName());
            ps.setString(5, e.actor().id());
            ps.setString(6, e.actor().name());
            ps.setString(7, e.action());
            ps.setString(8, e.target());
            ps.setString(9, e.outcome().wireName());
            ps.setInt(10, e.status());
            setNullable(ps, 11, e.requestId());
            setNullable(ps, 12, e.sourceAddress());
            ps.setString(13, AuditJson.encodeDetails(e.details()));
            ps.setLong(14, e.count());
            ps.setString(15, e.chain());
            ps.setString(16, e.hash());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE ms_audit_head SET last_seq = ?, last_hash = ? WHERE org_id = ?")) {
            ps.setLong(1, e.seq());
            ps.setString(2, e.hash());
            ps.setString(3, e.org().value());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("audit head missing");
            }
        }
    }

    @Override
    public Optional<ChainHead> head(Tx tx, OrgId org) throws SQLException {
        return selectHead(tx.connection(), org, false);
    }

    @Override
    public void scan(Tx tx, OrgId org, Consumer<AuditEntry> consumer) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT " + COLUMNS + " FROM ms_audit_entry WHERE org_id = ? ORDER BY seq")) {
            ps.setFetchSize(1000);
            ps.setString(1, org.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(read(rs));
                }
            }
        }
    }

    @Override
    public List<AuditEntry> query(Tx tx, OrgId org, AuditQuery f, long beforeSeq, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM ms_audit_entry WHERE org_id = ? AND seq < ?");
        List<Object> args = new ArrayList<>();
        args.add(org.value());
        args.add(beforeSeq);
        if (f.from() != null) {
            sql.append(" AND ts_micros >= ?");
            args.add(Micros.of(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND ts_micros < ?");
            args.add(Micros.of(f.to()));
        }
        if (f.actor() != null) {
            sql.append(" AND (actor_id = ? OR actor_name = ?)");
            args.add(f.actor());
            args.add(f.actor());
        }
        if (f.action() != null) {
            sql.append(" AND action = ?");
            args.add(f.action());
        }
        if (f.outcome() != null) {
            sql.append(" AND outcome = ?");
            args.add(f.outcome().wireName());
        }
        sql.append(" ORDER BY seq DESC LIMIT ").append(limit);
        try (PreparedStatement ps = tx.connection().prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    private static AuditEntry read(ResultSet rs) throws SQLException {
        return new AuditEntry(
                OrgId.of(rs.getString(1)), rs.getLong(2), Micros.toInstant(rs.getLong(3)),
                new Actor(ActorType.parse(rs.getString(4)), rs.getString(5), rs.getString(6)),
                rs.getString(7), rs.getString(8), Outcome.parse(rs.getString(9)), rs.getInt(10),
                rs.getString(11), rs.getString(12), AuditJson.decodeDetails(rs.getString(13)), rs.getLong(14),
                rs.getString(15), rs.getString(16));
    }

    private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }
}
