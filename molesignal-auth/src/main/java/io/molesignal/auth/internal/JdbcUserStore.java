package io.molesignal.auth.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.auth.StoredUser;
import io.molesignal.auth.User;
import io.molesignal.auth.UserStore;
import io.molesignal.core.OrgId;
import io.molesignal.core.Role;
import io.molesignal.core.db.Tx;

/** {@link UserStore} over {@code ms_auth_user} (H2 and PostgreSQL). Stateless and thread-safe. */
public final class JdbcUserStore implements UserStore {
    private static final String COLS = "user_id, org_id, email, role, disabled, created_at, password_hash";

    @Override
    public boolean insert(Tx tx, StoredUser s) throws SQLException {
        User u = s.user();
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO ms_auth_user (" + COLS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, u.id());
            ps.setString(2, u.org().value());
            ps.setString(3, u.email());
            ps.setString(4, u.role().wireName());
            ps.setBoolean(5, u.disabled());
            Sql.setTs(ps, 6, u.createdAt());
            ps.setString(7, s.passwordHash());
            return Sql.insertUnique(tx, ps);
        }
    }

    @Override
    public Optional<StoredUser> findByEmail(Tx tx, OrgId org, String email) throws SQLException {
        return one(tx, "SELECT " + COLS + " FROM ms_auth_user WHERE org_id = ? AND email = ?", org.value(), email);
    }

    @Override
    public Optional<StoredUser> findById(Tx tx, String id) throws SQLException {
        return one(tx, "SELECT " + COLS + " FROM ms_auth_user WHERE user_id = ?", id);
    }

    @Override
    public Optional<StoredUser> lockById(Tx tx, String id) throws SQLException {
        return one(tx, "SELECT " + COLS + " FROM ms_auth_user WHERE user_id = ? FOR UPDATE", id);
    }

    @Override
    public int lockEnabledOwners(Tx tx, OrgId org) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT user_id FROM ms_auth_user WHERE org_id = ? AND role = 'owner' AND disabled = FALSE ORDER BY user_id FOR UPDATE")) {
            ps.setString(1, org.value());
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                }
            }
            return n;
        }
    }

    @Override
    public List<User> list(Tx tx, OrgId org, @Nullable String afterId, int limit) throws SQLException {
        String sql = "SELECT " + COLS + " FROM ms_auth_user WHERE org_id = ?" + (afterId == null ? "" : " AND user_id > ?")
                + " ORDER BY user_id LIMIT " + Math.max(0, limit);
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            ps.setString(1, org.value());
            if (afterId != null) {
                ps.setString(2, afterId);
            }
            List<User> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs).user());
                }
            }
            return out;
        }
    }

    @Override
    public boolean update(Tx tx, String id, Role role, boolean disabled) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_auth_user SET role = ?, disabled = ? WHERE user_id = ?")) {
            ps.setString(1, role.wireName());
            ps.setBoolean(2, disabled);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public boolean setPasswordHash(Tx tx, String id, String passwordHash) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_auth_user SET password_hash = ? WHERE user_id = ?")) {
            ps.setString(1, passwordHash);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public boolean delete(Tx tx, String id) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM ms_auth_user WHERE user_id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public boolean hasOwner(Tx tx, OrgId org) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT 1 FROM ms_auth_user WHERE org_id = ? AND role = 'owner' LIMIT 1")) {
            ps.setString(1, org.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<StoredUser> one(Tx tx, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static StoredUser read(ResultSet rs) throws SQLException {
        User u = new User(rs.getString(1), OrgId.of(rs.getString(2)), rs.getString(3), Role.parse(rs.getString(4)),
                rs.getBoolean(5), Sql.tsNonNull(rs, 6));
        return new StoredUser(u, rs.getString(7));
    }
}
