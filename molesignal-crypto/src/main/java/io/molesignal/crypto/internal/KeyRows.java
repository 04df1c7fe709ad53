package io.molesignal.crypto.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/** JDBC access to {@code ms_cipher_root}, {@code ms_cipher_key} and {@code ms_cipher_key_version}. Stateless. */
public final class KeyRows {
    private KeyRows() {
    }

    /** A stored key row with its versions (oldest first). */
    public record StoredKey(OrgId org, String name, String kind, String sealedKeyset, String rootFingerprint,
                            int primaryVersion, Instant createdAt, List<StoredVersion> versions) {
    }

    /** A stored version row. */
    public record StoredVersion(int version, int keyId, String status, long reservedEncryptions, Instant createdAt) {
    }

    /** The stored root fingerprint, locked for update. */
    public static Optional<String> rootFingerprint(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT fingerprint FROM ms_cipher_root WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    public static void insertRoot(Tx tx, String fingerprint, Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO ms_cipher_root (id, fingerprint, created_at, updated_at) VALUES (1, ?, ?, ?)")) {
            ps.setString(1, fingerprint);
            ps.setObject(2, odt(now));
            ps.setObject(3, odt(now));
            ps.executeUpdate();
        }
    }

    public static void updateRoot(Tx tx, String fingerprint, Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_cipher_root SET fingerprint = ?, updated_at = ? WHERE id = 1")) {
            ps.setString(1, fingerprint);
            ps.setObject(2, odt(now));
            ps.executeUpdate();
        }
    }

    /** Every key row whose keyset is sealed under another root than {@code fingerprint} (locked for update). */
    public static List<StoredKey> sealedUnderOtherRoot(Tx tx, String fingerprint) throws SQLException {
        List<StoredKey> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT org_id, name FROM ms_cipher_key WHERE root_fingerprint <> ? ORDER BY org_id, name")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                List<String[]> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(new String[] {rs.getString(1), rs.getString(2)});
                }
                for (String[] id : ids) {
                    load(tx, OrgId.of(id[0]), id[1], true).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /** Whether the key has a version with this Tink key id. */
    public static boolean hasKeyId(Tx tx, OrgId org, String name, int keyId) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT 1 FROM ms_cipher_key_version WHERE org_id = ? AND name = ? AND key_id = ?")) {
            ps.setString(1, org.value());
            ps.setString(2, name);
            ps.setLong(3, Integer.toUnsignedLong(keyId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Whether any key row exists. */
    public static boolean anyKey(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT 1 FROM ms_cipher_key");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** Loads a key and its versions; {@code forUpdate} locks the key row. */
    public static Optional<StoredKey> load(Tx tx, OrgId org, String name, boolean forUpdate) throws SQLException {
        Connection c = tx.connection();
        StoredKey head;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT kind, keyset, root_fingerprint, primary_version, created_at FROM ms_cipher_key"
                        + " WHERE org_id = ? AND name = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, org.value());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                head = new StoredKey(org, name, rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        instant(rs, 5), List.of());
            }
        }
        List<StoredVersion> versions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version, key_id, status, reserved_encryptions, created_at FROM ms_cipher_key_version"
                        + " WHERE org_id = ? AND name = ? ORDER BY version")) {
            ps.setString(1, org.value());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(new StoredVersion(rs.getInt(1), (int) rs.getLong(2), rs.getString(3), rs.getLong(4),
                            instant(rs, 5)));
                }
            }
        }
        return Optional.of(new StoredKey(org, name, head.kind(), head.sealedKeyset(), head.rootFingerprint(),
                head.primaryVersion(), head.createdAt(), versions));
    }

    /** Names of the org's keys after {@code afterName} (exclusive, null = from the start), in name order. */
    public static List<String> names(Tx tx, OrgId org, @Nullable String afterName, int limit) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT name FROM ms_cipher_key WHERE org_id = ? AND name > ? ORDER BY name LIMIT ?")) {
            ps.setString(1, org.value());
            ps.setString(2, afterName == null ? "" : afterName);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    public static void insertKey(Tx tx, OrgId org, String name, String kind, String sealed, String fingerprint,
                                 Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO ms_cipher_key (org_id, name, kind, keyset, root_fingerprint, primary_version,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)")) {
            ps.setString(1, org.value());
            ps.setString(2, name);
            ps.setString(3, kind);
            ps.setString(4, sealed);
            ps.setString(5, fingerprint);
            ps.setObject(6, odt(now));
            ps.setObject(7, odt(now));
            ps.executeUpdate();
        }
    }

    public static void updateKeyset(Tx tx, OrgId org, String name, String sealed, String fingerprint,
                                    int primaryVersion, Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_cipher_key SET keyset = ?, root_fingerprint = ?, primary_version = ?, updated_at = ?"
                        + " WHERE org_id = ? AND name = ?")) {
            ps.setString(1, sealed);
            ps.setString(2, fingerprint);
            ps.setInt(3, primaryVersion);
            ps.setObject(4, odt(now));
            ps.setString(5, org.value());
            ps.setString(6, name);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("cipher key row vanished");
            }
        }
    }

    public static void insertVersion(Tx tx, OrgId org, String name, int version, int keyId, Instant now)
            throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO ms_cipher_key_version (org_id, name, version, key_id, status, reserved_encryptions,"
                        + " created_at) VALUES (?, ?, ?, ?, 'enabled', 0, ?)")) {
            ps.setString(1, org.value());
            ps.setString(2, name);
            ps.setInt(3, version);
            ps.setLong(4, Integer.toUnsignedLong(keyId));
            ps.setObject(5, odt(now));
            ps.executeUpdate();
        }
    }

    public static void updateVersionStatus(Tx tx, OrgId org, String name, int version, String status)
            throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_cipher_key_version SET status = ? WHERE org_id = ? AND name = ? AND version = ?")) {
            ps.setString(1, status);
            ps.setString(2, org.value());
            ps.setString(3, name);
            ps.setInt(4, version);
            ps.executeUpdate();
        }
    }

    /** Adds {@code grant} to a version's reserved encryptions. */
    public static void addReserved(Tx tx, OrgId org, String name, int version, long grant) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "UPDATE ms_cipher_key_version SET reserved_encryptions = reserved_encryptions + ?"
                        + " WHERE org_id = ? AND name = ? AND version = ?")) {
            ps.setLong(1, grant);
            ps.setString(2, org.value());
            ps.setString(3, name);
            ps.setInt(4, version);
            ps.executeUpdate();
        }
    }

    private static OffsetDateTime odt(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        return rs.getObject(col, OffsetDateTime.class).toInstant();
    }
}
