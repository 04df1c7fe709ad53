package io.molesignal.auth.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.molesignal.auth.SigningKeyStore;
import io.molesignal.auth.StoredSigningKey;
import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * {@link SigningKeyStore} over {@code ms_auth_signing_key} (H2 and PostgreSQL). The unique column
 * {@code active_org} (NULL for retiring keys) makes "one active key per org" a database constraint.
 * Stateless and thread-safe.
 */
public final class JdbcSigningKeyStore implements SigningKeyStore {
    private static final String COLS = "kid, org_id, key_value, sealed, created_at, not_after";

    @Override
    public boolean insertActive(Tx tx, StoredSigningKey k) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO ms_auth_signing_key (" + COLS
                + ", active_org) VALUES (?, ?, ?, ?, ?, NULL, ?)")) {
            ps.setString(1, k.kid());
            ps.setString(2, k.org().value());
            ps.setString(3, k.value());
            ps.setBoolean(4, k.sealed());
            Sql.setTs(ps, 5, k.createdAt());
            ps.setString(6, k.org().value());
            return Sql.insertUnique(tx, ps);
        }
    }

    @Override
    public Optional<StoredSigningKey> lockActive(Tx tx, OrgId org) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT " + COLS + " FROM ms_auth_signing_key WHERE active_org = ? FOR UPDATE")) {
            ps.setString(1, org.value());
            List<StoredSigningKey> l = read(ps);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        }
    }

    @Override
    public boolean retire(Tx tx, String kid, Instant notAfter) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE ms_auth_signing_key "
                + "SET active_org = NULL, not_after = ? WHERE kid = ? AND active_org IS NOT NULL")) {
            Sql.setTs(ps, 1, notAfter);
            ps.setString(2, kid);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public List<StoredSigningKey> usable(Tx tx, Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + COLS
                + " FROM ms_auth_signing_key WHERE active_org IS NOT NULL OR not_after > ?")) {
            Sql.setTs(ps, 1, now);
            return read(ps);
        }
    }

    @Override
    public List<StoredSigningKey> lockAll(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT " + COLS + " FROM ms_auth_signing_key ORDER BY kid FOR UPDATE")) {
            return read(ps);
        }
    }

    @Override
    public void updateValue(Tx tx, String kid, String value, boolean sealed) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_auth_signing_key SET key_value = ?, sealed = ? WHERE kid = ?")) {
            ps.setString(1, value);
            ps.setBoolean(2, sealed);
            ps.setString(3, kid);
            ps.executeUpdate();
        }
    }

    private static List<StoredSigningKey> read(PreparedStatement ps) throws SQLException {
        List<StoredSigningKey> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredSigningKey(rs.getString(1), OrgId.of(rs.getString(2)), rs.getString(3),
                        rs.getBoolean(4), Sql.tsNonNull(rs, 5), Sql.ts(rs, 6)));
            }
        }
        return out;
    }
}
