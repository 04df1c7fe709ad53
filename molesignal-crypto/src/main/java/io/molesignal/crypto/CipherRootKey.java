package io.molesignal.crypto;

import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.db.Database;
import io.molesignal.core.spi.SecretSealer;
import io.molesignal.crypto.internal.KeyRing;
import io.molesignal.crypto.internal.RootKeyMaterial;
import io.molesignal.crypto.internal.RootKeySealer;

/**
 * The cipher root key: 32 bytes from {@code MS_CIPHER_KEY} (base64), and optionally the key it replaces from
 * {@code MS_CIPHER_KEY_PREVIOUS}. It seals only keysets and the host's stored secrets (envelope encryption); field
 * values are never encrypted with it directly. Losing it makes every encrypted field unrecoverable: back it up
 * outside the database.
 *
 * <p><b>Parsing.</b> The value is trimmed, then decoded with the standard base64 alphabet (RFC 4648 §4) or, failing
 * that, the URL-safe one (§5), with or without padding. It must decode to exactly 32 bytes. An unset or blank
 * variable means "no root key": field encryption answers {@code CIPHER_DISABLED} and everything else works. Any
 * other problem is a {@link CipherStartupException} whose message names the variable and the problem, never the
 * value. The decoded bytes are cleared once the key objects are built.
 *
 * <p><b>Fingerprint.</b> {@link #fingerprint()} is the first 8 bytes of HMAC-SHA256(root,
 * "molesignal/cipher-root-key-fingerprint/v1") (RFC 2104) in hex: not secret, it tells which key sealed what and
 * lets a start with the wrong key be refused ({@link #checkDatabase}).
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows only fingerprints.
 */
public final class CipherRootKey {
    /** The environment variable of the root key. */
    public static final String ENV = "MS_CIPHER_KEY";
    /** The environment variable of the previous root key, set for one start to rotate the root key. */
    public static final String ENV_PREVIOUS = "MS_CIPHER_KEY_PREVIOUS";

    private static final Logger LOG = LoggerFactory.getLogger(CipherRootKey.class);

    private final RootKeyMaterial current;
    private final @Nullable RootKeyMaterial previous;
    private final SecretSealer sealer;

    private CipherRootKey(RootKeyMaterial current, @Nullable RootKeyMaterial previous) {
        this.current = current;
        this.previous = previous;
        this.sealer = new RootKeySealer(current, previous);
    }

    /**
     * Reads the root key from an environment (the host passes {@link System#getenv()}; tests pass a map).
     *
     * @return the root key, or empty when {@code MS_CIPHER_KEY} is unset or blank
     * @throws CipherStartupException when a variable is not base64 or does not decode to 32 bytes, or when
     *         {@code MS_CIPHER_KEY_PREVIOUS} is set without {@code MS_CIPHER_KEY}
     */
    public static Optional<CipherRootKey> fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        String cur = environment.get(ENV);
        String prev = environment.get(ENV_PREVIOUS);
        boolean hasCur = cur != null && !cur.isBlank();
        boolean hasPrev = prev != null && !prev.isBlank();
        if (!hasCur) {
            if (hasPrev) {
                throw new CipherStartupException(ENV_PREVIOUS + " is set but " + ENV
                        + " is not; set the new root key in " + ENV);
            }
            if (cur != null) {
                LOG.warn("{} is set but blank: treated as unset, field encryption is disabled", ENV);
            }
            return Optional.empty();
        }
        byte[] c = decode(ENV, cur);
        byte[] p = hasPrev ? decode(ENV_PREVIOUS, prev) : null;
        try {
            if (p != null && Arrays.equals(c, p)) {
                LOG.warn("{} equals {}; ignoring the previous key", ENV_PREVIOUS, ENV);
                Arrays.fill(p, (byte) 0);
                p = null;
            }
            CipherRootKey key = new CipherRootKey(RootKeyMaterial.of(c), p == null ? null : RootKeyMaterial.of(p));
            LOG.info("cipher root key {} loaded{}", key.current.fingerprint(),
                    key.previous == null ? "" : " (previous root key " + key.previous.fingerprint() + ")");
            return Optional.of(key);
        } finally {
            Arrays.fill(c, (byte) 0);
            if (p != null) {
                Arrays.fill(p, (byte) 0);
            }
        }
    }

    /**
     * A root key from raw bytes (for hosts with another secret source, and tests). Both arrays are copied, not
     * retained.
     *
     * @param key exactly 32 bytes
     * @param previousKey exactly 32 bytes, or null
     * @throws IllegalArgumentException when a key is not 32 bytes
     */
    public static CipherRootKey ofBytes(byte[] key, byte @Nullable [] previousKey) {
        if (key.length != 32 || (previousKey != null && previousKey.length != 32)) {
            throw new IllegalArgumentException("a root key must be exactly 32 bytes");
        }
        return new CipherRootKey(RootKeyMaterial.of(key), previousKey == null ? null
                : RootKeyMaterial.of(previousKey));
    }

    private static byte[] decode(String variable, String value) {
        String v = value.strip();
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            try {
                raw = Base64.getUrlDecoder().decode(v);
            } catch (IllegalArgumentException e2) {
                // No cause attached: the JDK's message quotes an offending character of the value.
                throw new CipherStartupException(variable + " is not valid base64");
            }
        }
        if (raw.length != 32) {
            int n = raw.length;
            Arrays.fill(raw, (byte) 0);
            throw new CipherStartupException(variable + " must decode to exactly 32 bytes, got " + n);
        }
        return raw;
    }

    /** The fingerprint of {@code MS_CIPHER_KEY} (16 hex digits, not secret). */
    public String fingerprint() {
        return current.fingerprint();
    }

    /** The fingerprint of {@code MS_CIPHER_KEY_PREVIOUS}, when set. */
    public Optional<String> previousFingerprint() {
        return previous == null ? Optional.empty() : Optional.of(previous.fingerprint());
    }

    /**
     * The {@link SecretSealer} over this root key, for the audit log's chain key, auth's signing keys and cursor
     * keys. Sealed text: {@code "ms1s." fingerprint "." base64url-nopad(iv(12) ‖ ciphertext ‖ tag(16))}, AES-256-GCM
     * (NIST SP 800-38D) with associated data {@code lp("ms1-sealed") ‖ lp(associatedData)}, {@code lp} being a
     * 4-byte big-endian length and the bytes. It opens values sealed under this key or the previous one; errors are
     * {@code UNAVAILABLE} and name fingerprints only.
     */
    public SecretSealer sealer() {
        return sealer;
    }

    /**
     * Checks the database against this root key, in one transaction: on the first start the fingerprint is recorded
     * in {@code ms_cipher_root}; a database recorded under another key is refused, unless that key is
     * {@code MS_CIPHER_KEY_PREVIOUS}, in which case every keyset sealed under it is re-sealed under
     * {@code MS_CIPHER_KEY} and the new fingerprint recorded (afterwards the previous key is no longer needed for
     * keysets; the host's other sealed secrets are re-sealed by their owners through {@link SecretSealer#reseal}).
     * {@link FieldCipher.Builder#build()} calls this; a host may call it earlier to fail fast. Idempotent.
     * The crypto migrations ({@code database.migrate("crypto")}) must have run.
     *
     * @return how many keysets were re-sealed
     * @throws CipherStartupException when the database was sealed under a key that is neither configured key
     * @throws io.molesignal.core.MoleSignalException {@code UNAVAILABLE} on a database failure
     */
    public int checkDatabase(Database database, Clock clock) {
        return KeyRing.checkRoot(database, current, previous, clock);
    }

    RootKeyMaterial current() {
        return current;
    }

    @Nullable
    RootKeyMaterial previous() {
        return previous;
    }

    @Override
    public String toString() {
        return "CipherRootKey[fingerprint=" + current.fingerprint()
                + (previous == null ? "" : ", previous=" + previous.fingerprint()) + ", key=[REDACTED]]";
    }
}
