package io.molesignal.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Tx;
import io.molesignal.core.spi.SecretSealer;

/**
 * Random 256-bit secrets MoleSignal creates on first start and keeps in {@code ms_secret}: sealed with the
 * {@link SecretSealer} when there is one (re-sealed after a root-key rotation, sealed on the first start that has a
 * sealer), in clear otherwise. Several instances starting at once end with the same secret.
 */
public final class StoredSecrets {
    private StoredSecrets() {
    }

    /**
     * Loads or creates the secret {@code name}.
     *
     * @throws MoleSignalException {@link ErrorCode#CIPHER_DISABLED} when the secret is sealed and there is no sealer;
     *         {@link ErrorCode#UNAVAILABLE} on a database failure or when it does not open
     */
    public static byte[] getOrCreate(Database db, String name, @Nullable SecretSealer sealer, SecureRandom random,
                                     Clock clock) {
        byte[] aad = ("molesignal.secret|" + name).getBytes(StandardCharsets.UTF_8);
        return db.inTransaction(tx -> {
            byte[] existing = load(tx, name, sealer, aad);
            if (existing != null) {
                return existing;
            }
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            Connection c = tx.connection();
            Savepoint sp = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO ms_secret (name, secret_value, sealed, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, sealer == null ? Base64.getEncoder().encodeToString(fresh) : sealer.seal(fresh, aad));
                ps.setBoolean(3, sealer != null);
                ps.setTimestamp(4, Timestamp.from(clock.instant()));
                ps.executeUpdate();
                c.releaseSavepoint(sp);
                return fresh;
            } catch (SQLException e) {
                if (!tx.dialect().isUniqueViolation(e)) {
                    throw e;
                }
                c.rollback(sp);
                byte[] winner = load(tx, name, sealer, aad);
                if (winner == null) {
                    throw new SQLException("secret vanished");
                }
                return winner;
            }
        });
    }

    private static byte @Nullable [] load(Tx tx, String name, @Nullable SecretSealer sealer, byte[] aad)
            throws SQLException {
        Connection c = tx.connection();
        String value;
        boolean sealed;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT secret_value, sealed FROM ms_secret WHERE name = ? FOR UPDATE")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                value = rs.getString(1);
                sealed = rs.getBoolean(2);
            }
        }
        if (sealed) {
            if (sealer == null) {
                throw new MoleSignalException(ErrorCode.CIPHER_DISABLED, "the stored secret " + name
                        + " is sealed under MS_CIPHER_KEY; start with MS_CIPHER_KEY set");
            }
            byte[] secret = sealer.open(value, aad);
            if (sealer.needsReseal(value)) {
                update(c, name, sealer.seal(secret, aad), true);
            }
            return secret;
        }
        byte[] secret = Base64.getDecoder().decode(value);
        if (sealer != null) {
            update(c, name, sealer.seal(secret, aad), true);
        }
        return secret;
    }

    private static void update(Connection c, String name, String value, boolean sealed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE ms_secret SET secret_value = ?, sealed = ? WHERE name = ?")) {
            ps.setString(1, value);
            ps.setBoolean(2, sealed);
            ps.setString(3, name);
            ps.executeUpdate();
        }
    }
}
