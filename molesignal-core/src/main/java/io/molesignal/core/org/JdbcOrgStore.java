package io.molesignal.core.org;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/** The JDBC {@link OrgStore} over {@code ms_org} (H2 and PostgreSQL). Stateless and thread-safe. */
public final class JdbcOrgStore implements OrgStore {

    @Override
    public boolean insert(Tx tx, Org org) throws SQLException {
        Connection c = tx.connection();
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ms_org (org_id, disabled, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, org.id().value());
            ps.setBoolean(2, org.disabled());
            ps.setObject(3, OffsetDateTime.ofInstant(org.createdAt(), ZoneOffset.UTC));
            ps.executeUpdate();
            c.releaseSavepoint(sp);
            return true;
        } catch (SQLException e) {
            if (tx.dialect().isUniqueViolation(e)) {
                c.rollback(sp);
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<Org> find(Tx tx, OrgId id) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT org_id, disabled, created_at FROM ms_org WHERE org_id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<Org> list(Tx tx, @Nullable OrgId afterId, int limit) throws SQLException {
        String sql = "SELECT org_id, disabled, created_at FROM ms_org"
                + (afterId == null ? "" : " WHERE org_id > ?") + " ORDER BY org_id LIMIT " + Math.max(0, limit);
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            if (afterId != null) {
                ps.setString(1, afterId.value());
            }
            List<Org> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    @Override
    public boolean setDisabled(Tx tx, OrgId id, boolean disabled) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_org SET disabled = ? WHERE org_id = ?")) {
            ps.setBoolean(1, disabled);
            ps.setString(2, id.value());
            return ps.executeUpdate() == 1;
        }
    }

    private static Org read(ResultSet rs) throws SQLException {
        return new Org(OrgId.of(rs.getString(1)), rs.getBoolean(2),
                rs.getObject(3, OffsetDateTime.class).toInstant());
    }
}
