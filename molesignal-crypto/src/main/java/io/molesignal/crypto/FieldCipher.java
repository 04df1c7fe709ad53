package io.molesignal.crypto;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.CursorCodec;
import io.molesignal.core.OrgId;
import io.molesignal.core.Ticker;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.spi.CipherFunctions;
import io.molesignal.crypto.internal.CipherEngine;
import io.molesignal.crypto.internal.KeyRing;

/**
 * Field-level encryption with per-org named keys under the cipher root key ({@link CipherRootKey}); implements the
 * core {@link CipherFunctions} SPI used by the query planner ({@code decrypt}, {@code try_decrypt}, the
 * deterministic-equality rewrite) and VRL ({@code encrypt}, {@code decrypt}). Key management is {@link #keys()}.
 *
 * <h2>Keys</h2>
 * Each named key of an org is a Tink keyset (one key per version, TINK output prefix, so a ciphertext names the
 * version that made it) stored in {@code ms_cipher_key} sealed under the root key with associated data
 * {@code lp("ms1-keyset") ‖ lp(org) ‖ lp(name) ‖ lp(kind)}: a keyset row copied to another org or name does not open
 * ({@link CipherFailure#KEYSET_INVALID}). The keyset is authoritative for key material, primary version and which
 * versions are enabled. Key material never leaves this module: no method returns it, and no log line, message or
 * audit entry contains it.
 *
 * <h2>Ciphertext format (version 1)</h2>
 * Text of US-ASCII characters that are unreserved in URLs (RFC 3986 §2.3), so it fits any text column, a URL or
 * JSON without escaping:
 * <pre>
 *   "ms"                 marker (2 chars)
 *   "1"                  format version (1 char)
 *   "r" | "d"            mode: r = random (aes256_gcm), d = deterministic (aes256_siv) (1 char)
 *   "."                  separator (1 char)
 *   base64url(payload)   RFC 4648 §5 alphabet, no padding, canonical (unused low bits of the last char zero)
 *
 *   payload (Tink's wire format, https://developers.google.com/tink/wire-format):
 *   byte 0               0x01, Tink's TINK output-prefix version
 *   bytes 1..4           the Tink key id of the version, big-endian (32-bit)
 *   r: bytes 5..16       the 96-bit random IV (nonce)
 *      bytes 17..n-17    AES-256-GCM ciphertext (same length as the UTF-8 plaintext)
 *      bytes n-16..n-1   the 128-bit GCM tag (NIST SP 800-38D)
 *   d: bytes 5..20       the 128-bit synthetic IV (RFC 5297)
 *      bytes 21..n-1     AES-256-SIV ciphertext (same length as the plaintext)
 * </pre>
 * The plaintext is the value's UTF-8 encoding (unpaired surrogates are refused, not replaced). The associated data,
 * authenticated but not stored, is {@code lp("ms1") ‖ lp(org) ‖ lp(keyName) ‖ lp(field)}, where {@code lp(s)} is the
 * 4-byte big-endian length of the UTF-8 of {@code s} followed by those bytes: a ciphertext moved to another org, key
 * or field fails with {@link CipherFailure#AUTHENTICATION_FAILED} (or {@link CipherFailure#UNKNOWN_KEY_VERSION} when
 * the other key does not have its key id). A 64-byte value becomes 135 characters (r) or 119 (d).
 *
 * <h2>Failures</h2>
 * Every failure is a {@link CipherException} naming a {@link CipherFailure}: {@code CIPHER_DISABLED} without a root
 * key; {@code UNKNOWN_KEY} (code {@code NOT_FOUND}) for a name the org does not have; on decrypt
 * {@code NOT_A_CIPHERTEXT}, {@code UNKNOWN_KEY_VERSION}, {@code DISABLED_KEY_VERSION} or
 * {@code AUTHENTICATION_FAILED} (code {@code DECRYPT_FAILED}); {@code INVALID_INPUT} for a value over
 * {@link Builder#maxPlaintextBytes(long)} (default 1 MiB, UTF-8 bytes), a field over 256 characters, or malformed
 * Unicode. A failed decrypt never returns or reveals plaintext. {@code null} passes through: encrypting or
 * decrypting null gives null, so SQL NULLs stay NULL (a null is therefore not hidden); without a root key even null
 * is refused with {@code CIPHER_DISABLED}. Text longer than any allowed value could encrypt to is
 * {@code NOT_A_CIPHERTEXT}, so {@code try_decrypt} can treat every {@code DECRYPT_FAILED} alike.
 *
 * <h2>Encryption budget of aes256_gcm</h2>
 * Random 96-bit nonces collide with probability at most q²/2^97 after q encryptions under one key; each version
 * therefore encrypts at most {@link Builder#gcmEncryptionBudget(long)} values (default 2^32, a collision probability
 * of at most 2^-33, NIST SP 800-38D §8.3). The count is kept across instances in the database: an instance reserves
 * blocks of {@link Builder#budgetReservationBlock(long)} encryptions (default 65,536) by adding them to
 * {@code ms_cipher_key_version.reserved_encryptions} under a row lock, and encrypts only within what it reserved, so
 * the stored count is an upper bound of the encryptions made under the version, whatever the number of instances.
 * The reservation that hands out the last of a version's budget rotates the key in the same transaction (audited as
 * {@code cipher_key.rotate} by the system with reason {@code encryption_budget}); reservations unused when an
 * instance stops are lost, never reused. Deterministic keys have no budget (AES-SIV has no nonce).
 *
 * <h2>Caching and other instances</h2>
 * Opened keysets are cached per (org, key) for {@link Builder#keyCacheTtl(Duration)} (default 30 s). Changes made
 * through this instance apply at once; another instance's rotation is seen at once by decryption (an unknown key id
 * reloads the key, at most once a second) and by encryption within the TTL; another instance's disabling of a version
 * within the TTL.
 *
 * <h2>Large values</h2>
 * JCE's AES-GCM is one to two orders of magnitude slower when a large buffer goes through one call ("Clogged pipes",
 * security-dev, October 2022, reproduced on JDK 17). aes256_gcm values of 16 KiB or more are therefore processed in
 * 16 KiB chunks through JCE directly, with the same wire format (details in the implementation notes of the
 * internal {@code Ciphertexts}).
 *
 * <p>Thread-safe. Owns a cache: {@link #close()} it.
 */
public final class FieldCipher implements CipherFunctions, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FieldCipher.class);

    private final @Nullable CipherEngine engine;
    private final @Nullable CipherRootKey rootKey;
    private final CipherKeys keys;

    private FieldCipher(Builder b) {
        this.rootKey = b.rootKey;
        if (b.rootKey == null) {
            this.engine = null;
        } else {
            b.rootKey.checkDatabase(b.database, b.clock);
            KeyRing ring = new KeyRing(b.database, b.rootKey.current(), b.rootKey.previous(), b.auditLog, b.clock,
                    b.ticker, b.gcmEncryptionBudget, b.budgetReservationBlock, b.keyCacheTtl);
            this.engine = new CipherEngine(ring, b.random, b.maxPlaintextBytes);
        }
        // Without a root key every key-management call answers CIPHER_DISABLED, so no cursor key is needed (and a
        // sealed one could not be opened).
        CursorCodec cursors = b.rootKey == null ? null : b.cursorCodec != null ? b.cursorCodec
                : CursorCodec.load(b.database, b.rootKey.sealer(), b.random, b.clock);
        this.keys = new CipherKeys(b.database, b.auditLog, engine == null ? null : engine.ring(), cursors);
        if (b.rootKey == null) {
            LOG.warn("field encryption is disabled: MS_CIPHER_KEY is not set");
        } else {
            LOG.info("field encryption enabled with root key {}", b.rootKey.fingerprint());
        }
    }

    /**
     * A builder over the host's database (the core and crypto migrations must have run:
     * {@code database.migrate("core")}, {@code database.migrate("crypto")}) and its audit log.
     */
    public static Builder builder(Database database, AuditLog auditLog) {
        return new Builder(database, auditLog);
    }

    /** Whether a root key is configured (otherwise every method answers {@code CIPHER_DISABLED}). */
    public boolean enabled() {
        return engine != null;
    }

    /** The fingerprint of the root key in use, when there is one. */
    public Optional<String> rootKeyFingerprint() {
        return rootKey == null ? Optional.empty() : Optional.of(rootKey.fingerprint());
    }

    /** Key management: create, list, get, rotate, disable and enable versions (audited, role-checked). */
    public CipherKeys keys() {
        return keys;
    }

    /**
     * Encrypts a value under the primary version of the org's key, binding org, key name and field.
     *
     * @param org the org (from the caller's {@code Principal}, never from input)
     * @param keyName the key name, resolved in {@code org} only
     * @param field the field bound into the ciphertext (at most 256 characters; may be empty)
     * @param plaintext the value, or null
     * @return ciphertext text in the format above, or null for null
     * @throws CipherException {@code CIPHER_DISABLED}, {@code UNKNOWN_KEY}, {@code INVALID_INPUT}, or
     *         {@code KEYSET_INVALID}; {@code UNAVAILABLE} when the budget cannot be reserved (database down)
     */
    @Override
    public @Nullable String encrypt(OrgId org, String keyName, String field, @Nullable String plaintext) {
        CipherEngine e = engine();
        return plaintext == null ? null : e.encrypt(org, keyName, field, plaintext);
    }

    /**
     * Decrypts a value made by {@link #encrypt} for the same org, key name and field.
     *
     * @return the plaintext, or null for null
     * @throws CipherException as described in the class documentation; never with plaintext
     */
    @Override
    public @Nullable String decrypt(OrgId org, String keyName, String field, @Nullable String ciphertext) {
        CipherEngine e = engine();
        return ciphertext == null ? null : e.decrypt(org, keyName, field, ciphertext);
    }

    /**
     * The kind of the org's key, read at call time (never cache it in a shared plan).
     *
     * @throws CipherException {@code CIPHER_DISABLED} or {@code UNKNOWN_KEY}
     */
    @Override
    public KeyKind keyKind(OrgId org, String keyName) {
        return engine().kind(org, keyName).spiKind();
    }

    /**
     * The ciphertexts of {@code plaintext} under every enabled version of a deterministic key, primary or not, oldest
     * first: one per enabled version, so rows written before a rotation still match
     * {@code col IN (candidates)}.
     *
     * @throws CipherException {@code INVALID_INPUT} when the key is aes256_gcm; {@code CIPHER_DISABLED},
     *         {@code UNKNOWN_KEY}
     */
    @Override
    public List<String> candidateCiphertexts(OrgId org, String keyName, String field, String plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        return engine().candidates(org, keyName, field, plaintext);
    }

    private CipherEngine engine() {
        CipherEngine e = engine;
        if (e == null) {
            throw disabled();
        }
        return e;
    }

    static CipherException disabled() {
        return new CipherException(CipherFailure.CIPHER_DISABLED,
                "field encryption is disabled: MS_CIPHER_KEY is not set");
    }

    /** Drops cached keysets. */
    @Override
    public void close() {
        if (engine != null) {
            engine.ring().clear();
        }
    }

    @Override
    public String toString() {
        return "FieldCipher[" + (rootKey == null ? "disabled" : "root=" + rootKey.fingerprint()) + "]";
    }

    /** Builds a {@link FieldCipher}. Not thread-safe. */
    public static final class Builder {
        private final Database database;
        private final AuditLog auditLog;
        private @Nullable CipherRootKey rootKey;
        private boolean rootKeySet;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();
        private SecureRandom random = new SecureRandom();
        private long maxPlaintextBytes = 1L << 20;
        private long gcmEncryptionBudget = 1L << 32;
        private long budgetReservationBlock = 1L << 16;
        private Duration keyCacheTtl = Duration.ofSeconds(30);
        private @Nullable CursorCodec cursorCodec;

        private Builder(Database database, AuditLog auditLog) {
            this.database = Objects.requireNonNull(database, "database");
            this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
        }

        /**
         * The root key, or null for none (field encryption disabled). Usually
         * {@code CipherRootKey.fromEnvironment(System.getenv()).orElse(null)}.
         *
         * @throws IllegalStateException when set twice
         */
        public Builder rootKey(@Nullable CipherRootKey rootKey) {
            if (rootKeySet) {
                throw new IllegalStateException("rootKey was already set");
            }
            this.rootKey = rootKey;
            this.rootKeySet = true;
            return this;
        }

        /** Wall time for stored timestamps (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Monotonic time for the keyset cache (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Randomness for the IVs of the chunked large-value path (Tink draws its own IVs and keys). */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * The largest plaintext, in UTF-8 bytes (default 1 MiB = 1,048,576; at most 64 MiB).
         *
         * @throws IllegalArgumentException when not in 1..64 MiB
         */
        public Builder maxPlaintextBytes(long maxPlaintextBytes) {
            if (maxPlaintextBytes < 1 || maxPlaintextBytes > (64L << 20)) {
                throw new IllegalArgumentException("maxPlaintextBytes must be in 1..67108864");
            }
            this.maxPlaintextBytes = maxPlaintextBytes;
            return this;
        }

        /**
         * Encryptions per aes256_gcm version before it is rotated (default 2^32; at most 2^32, the NIST SP 800-38D
         * limit for random 96-bit IVs). Small values are for tests.
         *
         * @throws IllegalArgumentException when not in 1..2^32
         */
        public Builder gcmEncryptionBudget(long gcmEncryptionBudget) {
            if (gcmEncryptionBudget < 1 || gcmEncryptionBudget > (1L << 32)) {
                throw new IllegalArgumentException("gcmEncryptionBudget must be in 1..2^32");
            }
            this.gcmEncryptionBudget = gcmEncryptionBudget;
            return this;
        }

        /**
         * How many encryptions an instance reserves at a time (default 65,536): one database transaction per block.
         *
         * @throws IllegalArgumentException when not in 1..2^24
         */
        public Builder budgetReservationBlock(long budgetReservationBlock) {
            if (budgetReservationBlock < 1 || budgetReservationBlock > (1L << 24)) {
                throw new IllegalArgumentException("budgetReservationBlock must be in 1..2^24");
            }
            this.budgetReservationBlock = budgetReservationBlock;
            return this;
        }

        /**
         * How long an opened keyset is cached (default 30 s; 0 to 10 min).
         *
         * @throws IllegalArgumentException when negative or over 10 minutes
         */
        public Builder keyCacheTtl(Duration keyCacheTtl) {
            if (keyCacheTtl.isNegative() || keyCacheTtl.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("keyCacheTtl must be in 0..10 minutes");
            }
            this.keyCacheTtl = keyCacheTtl;
            return this;
        }

        /** The codec of list cursors (default: the one stored in the database, {@link CursorCodec#load}). */
        public Builder cursorCodec(CursorCodec cursorCodec) {
            this.cursorCodec = Objects.requireNonNull(cursorCodec, "cursorCodec");
            return this;
        }

        /**
         * Checks the root key against the database ({@link CipherRootKey#checkDatabase}, re-sealing keysets after a
         * root-key rotation) and builds the cipher.
         *
         * @throws CipherStartupException when the database was sealed under another root key
         * @throws io.molesignal.core.MoleSignalException {@code UNAVAILABLE} on a database failure
         */
        public FieldCipher build() {
            return new FieldCipher(this);
        }
    }

}
