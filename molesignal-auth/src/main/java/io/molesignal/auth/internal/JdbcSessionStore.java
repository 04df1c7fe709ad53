package io.molesignal.auth.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import io.molesignal.auth.Session;
import io.molesignal.auth.SessionStore;
import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/** {@link SessionStore} over {@code ms_auth_session} (H2 and PostgreSQL). Stateless and thread-safe. */
public final class JdbcSessionStore implements SessionStore {

    @Override
    public void insert(Tx tx, Session s) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO ms_auth_session "
                + "(jti, org_id, user_id, kid, issued_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, s.jti());
            ps.setString(2, s.org().value());
            ps.setString(3, s.userId());
            ps.setString(4, s.kid());
            Sql.setTs(ps, 5, s.issuedAt());
            Sql.setTs(ps, 6, s.expiresAt());
            Sql.setTs(ps, 7, s.revokedAt());
            ps.executeUpdate();
        }
    }

    @Override
    public Optional<Session> find(Tx tx, String jti) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT jti, org_id, user_id, kid, issued_at, "
                + "expires_at, revoked_at FROM ms_auth_session WHERE jti = ?")) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Session(rs.getString(1), OrgId.of(rs.getString(2)), rs.getString(3),
                        rs.getString(4), Sql.tsNonNull(rs, 5), Sql.tsNonNull(rs, 6), Sql.ts(rs, 7)));
            }
        }
    }

    @Override
    public boolean revoke(Tx tx, String jti, Instant at) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_auth_session SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL")) {
            Sql.setTs(ps, 1, at);
            ps.setString(2, jti);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public int revokeAllOfUser(Tx tx, String userId, String keepJti, Instant at) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE ms_auth_session SET revoked_at = ? "
                + "WHERE user_id = ? AND jti <> ? AND revoked_at IS NULL")) {
            Sql.setTs(ps, 1, at);
            ps.setString(2, userId);
            ps.setString(3, keepJti);
            return ps.executeUpdate();
        }
    }

    @Override
    public int deleteExpired(Tx tx, Instant before) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "DELETE FROM ms_auth_session WHERE expires_at < ?")) {
            Sql.setTs(ps, 1, before);
            return ps.executeUpdate();
        }
    }
}
