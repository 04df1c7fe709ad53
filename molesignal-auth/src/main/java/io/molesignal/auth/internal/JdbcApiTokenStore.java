package io.molesignal.auth.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.auth.ApiToken;
import io.molesignal.auth.ApiTokenStore;
import io.molesignal.auth.StoredApiToken;
import io.molesignal.core.OrgId;
import io.molesignal.core.Role;
import io.molesignal.core.db.Tx;

/** {@link ApiTokenStore} over {@code ms_auth_api_token} (H2 and PostgreSQL). Stateless and thread-safe. */
public final class JdbcApiTokenStore implements ApiTokenStore {
    private static final String COLS = "token_id, org_id, prefix, name, role, scopes, created_by, created_at, "
            + "expires_at, last_used_at, revoked_at, digest";

    @Override
    public boolean insert(Tx tx, StoredApiToken s) throws SQLException {
        ApiToken t = s.token();
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO ms_auth_api_token (" + COLS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, t.id());
            ps.setString(2, t.org().value());
            ps.setString(3, t.prefix());
            ps.setString(4, t.name());
            ps.setString(5, t.role().wireName());
            ps.setString(6, Sql.scopes(t.scopes()));
            ps.setString(7, t.createdBy());
            Sql.setTs(ps, 8, t.createdAt());
            Sql.setTs(ps, 9, t.expiresAt());
            Sql.setTs(ps, 10, t.lastUsedAt());
            Sql.setTs(ps, 11, t.revokedAt());
            ps.setString(12, s.digestHex());
            return Sql.insertUnique(tx, ps);
        }
    }

    @Override
    public Optional<StoredApiToken> findByPrefix(Tx tx, String prefix) throws SQLException {
        return one(tx, "SELECT " + COLS + " FROM ms_auth_api_token WHERE prefix = ?", prefix);
    }

    @Override
    public Optional<StoredApiToken> findById(Tx tx, String id) throws SQLException {
        return one(tx, "SELECT " + COLS + " FROM ms_auth_api_token WHERE token_id = ?", id);
    }

    @Override
    public List<ApiToken> list(Tx tx, OrgId org, @Nullable String createdBy, @Nullable String afterId, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLS + " FROM ms_auth_api_token WHERE org_id = ?");
        if (createdBy != null) {
            sql.append(" AND created_by = ?");
        }
        if (afterId != null) {
            sql.append(" AND token_id > ?");
        }
        sql.append(" ORDER BY token_id LIMIT ").append(Math.max(0, limit));
        try (PreparedStatement ps = tx.connection().prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, org.value());
            if (createdBy != null) {
                ps.setString(i++, createdBy);
            }
            if (afterId != null) {
                ps.setString(i, afterId);
            }
            List<ApiToken> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs).token());
                }
            }
            return out;
        }
    }

    @Override
    public boolean revoke(Tx tx, String id, Instant at) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_auth_api_token SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL")) {
            Sql.setTs(ps, 1, at);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public int revokeAllOfCreator(Tx tx, String userId, Instant at) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_auth_api_token SET revoked_at = ? WHERE created_by = ? AND revoked_at IS NULL")) {
            Sql.setTs(ps, 1, at);
            ps.setString(2, userId);
            return ps.executeUpdate();
        }
    }

    @Override
    public void touchLastUsed(Tx tx, String id, Instant at) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE ms_auth_api_token SET last_used_at = ? "
                + "WHERE token_id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
            Sql.setTs(ps, 1, at);
            ps.setString(2, id);
            Sql.setTs(ps, 3, at);
            ps.executeUpdate();
        }
    }

    private static Optional<StoredApiToken> one(Tx tx, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static StoredApiToken read(ResultSet rs) throws SQLException {
        ApiToken t = new ApiToken(rs.getString(1), OrgId.of(rs.getString(2)), rs.getString(3), rs.getString(4),
                Role.parse(rs.getString(5)), Sql.scopes(rs.getString(6)), rs.getString(7), Sql.tsNonNull(rs, 8),
                Sql.tsNonNull(rs, 9), Sql.ts(rs, 10), Sql.ts(rs, 11));
        return new StoredApiToken(t, rs.getString(12));
    }
}
