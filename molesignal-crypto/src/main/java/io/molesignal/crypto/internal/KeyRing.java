package io.molesignal.crypto.internal;

import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.KeysetHandle;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Ticker;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Tx;
import io.molesignal.crypto.CipherException;
import io.molesignal.crypto.CipherFailure;
import io.molesignal.crypto.CipherKeyInfo;
import io.molesignal.crypto.CipherKeyKind;
import io.molesignal.crypto.CipherStartupException;

/**
 * The named keys of every org: loading and caching opened keysets, creating, rotating, enabling and disabling
 * versions, and the per-version encryption budget of random-nonce AES-GCM. Thread-safe.
 */
public final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    private static final int MAX_ABSENT_CHECKS = 64;

    private final Database database;
    private final RootKeyMaterial root;
    private final @Nullable RootKeyMaterial previous;
    private final AuditLog auditLog;
    private final Clock clock;
    private final Ticker ticker;
    private final long budget;
    private final long block;
    private final Cache<CacheKey, KeyState> cache;
    private final ConcurrentHashMap<LeaseKey, AtomicLong> leases = new ConcurrentHashMap<>();

    private record CacheKey(OrgId org, String name) {
    }

    private record LeaseKey(OrgId org, String name, int version) {
    }

    public KeyRing(Database database, RootKeyMaterial root, @Nullable RootKeyMaterial previous, AuditLog auditLog,
                   Clock clock, Ticker ticker, long budget, long block, Duration ttl) {
        Keysets.init();
        this.database = database;
        this.root = root;
        this.previous = previous;
        this.auditLog = auditLog;
        this.clock = clock;
        this.ticker = ticker;
        this.budget = budget;
        this.block = block;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).ticker(ticker::read).maximumSize(100_000).build();
    }

    /**
     * Checks the stored root fingerprint against the configured root key, records it on first start, and re-seals
     * every keyset sealed under {@code previous} (root-key rotation), all in one transaction.
     *
     * @return the number of keysets re-sealed
     * @throws CipherStartupException when the database was sealed under another root key
     */
    public static int checkRoot(Database database, RootKeyMaterial root, @Nullable RootKeyMaterial previous,
                                Clock clock) {
        Keysets.init();
        try {
            return database.inTransaction(tx -> checkRootTx(tx, root, previous, clock));
        } catch (MoleSignalException e) {
            if (e.code() != ErrorCode.UNAVAILABLE || e instanceof CipherStartupException) {
                throw e;
            }
            // Two instances recording the first fingerprint at once: the loser retries and sees the row.
            return database.inTransaction(tx -> checkRootTx(tx, root, previous, clock));
        }
    }

    private static int checkRootTx(Tx tx, RootKeyMaterial root, @Nullable RootKeyMaterial previous, Clock clock)
            throws SQLException {
        Optional<String> stored = KeyRows.rootFingerprint(tx);
        Instant now = clock.instant();
        if (stored.isEmpty()) {
            KeyRows.insertRoot(tx, root.fingerprint(), now);
        } else if (!stored.get().equals(root.fingerprint())) {
            if (previous == null || !stored.get().equals(previous.fingerprint())) {
                throw new CipherStartupException("MS_CIPHER_KEY is not the root key this database's cipher keys"
                        + " were sealed with (stored fingerprint " + stored.get() + ", MS_CIPHER_KEY has "
                        + root.fingerprint() + (previous == null ? "" : ", MS_CIPHER_KEY_PREVIOUS has "
                        + previous.fingerprint()) + "); start with the original key, or set it as"
                        + " MS_CIPHER_KEY_PREVIOUS to rotate to the new one");
            }
            KeyRows.updateRoot(tx, root.fingerprint(), now);
        }
        int resealed = 0;
        for (KeyRows.StoredKey row : KeyRows.sealedUnderOtherRoot(tx, root.fingerprint())) {
            RootKeyMaterial from = RootKeyMaterial.select(row.rootFingerprint(), root, previous);
            if (from == null) {
                throw new CipherStartupException("cipher key " + row.name() + " of org " + row.org()
                        + " is sealed under root key " + row.rootFingerprint()
                        + ", which is neither MS_CIPHER_KEY nor MS_CIPHER_KEY_PREVIOUS");
            }
            CipherKeyKind kind = CipherKeyKind.parse(row.kind());
            try {
                KeysetHandle h = Keysets.open(row.sealedKeyset(), from, row.org(), row.name(), kind);
                KeyRows.updateKeyset(tx, row.org(), row.name(), Keysets.seal(h, root, row.org(), row.name(), kind),
                        root.fingerprint(), row.primaryVersion(), now);
            } catch (GeneralSecurityException e) {
                throw new CipherStartupException("the stored keyset of cipher key " + row.name() + " of org "
                        + row.org() + " does not open under root key " + from.fingerprint()
                        + " (altered or copied from elsewhere)");
            }
            resealed++;
        }
        if (resealed > 0) {
            LOG.info("re-sealed {} cipher keysets under root key {}", resealed, root.fingerprint());
        }
        return resealed;
    }

    /** The cached state of a key (loading it when needed). */
    public KeyState get(OrgId org, String name) {
        KeyState st = cache.get(new CacheKey(org, name), k -> loadOrNull(k.org, k.name));
        if (st == null) {
            throw unknownKey(name);
        }
        return st;
    }

    /** The state read from the database now (after another instance may have rotated). */
    KeyState reload(OrgId org, String name) {
        cache.invalidate(new CacheKey(org, name));
        return get(org, name);
    }

    /**
     * The version a decrypt needs. A key id the cached state lacks may be a version another instance just added: the
     * database is asked whether the key has it (once per key id and cached state, at most
     * {@value #MAX_ABSENT_CHECKS} ids per state, so garbage ciphertexts cannot flood the database), and the key is
     * reloaded when it does.
     */
    @Nullable
    VersionState versionFor(KeyState st, int keyId) {
        VersionState v = st.byKeyId(keyId);
        if (v != null) {
            return v;
        }
        if (st.checkedAbsent.size() >= MAX_ABSENT_CHECKS || !st.checkedAbsent.add(keyId)) {
            return null;
        }
        boolean exists = database.inTransaction(tx -> KeyRows.hasKeyId(tx, st.org, st.name, keyId));
        return exists ? reload(st.org, st.name).byKeyId(keyId) : null;
    }

    private @Nullable KeyState loadOrNull(OrgId org, String name) {
        return database.inTransaction(tx -> KeyRows.load(tx, org, name, false)
                .map(row -> open(row, ticker.read())).orElse(null));
    }

    private KeyState open(KeyRows.StoredKey row, long nowNanos) {
        RootKeyMaterial from = RootKeyMaterial.select(row.rootFingerprint(), root, previous);
        CipherKeyKind kind;
        try {
            kind = CipherKeyKind.parse(row.kind());
        } catch (MoleSignalException e) {
            throw keysetInvalid(row.name());
        }
        if (from == null) {
            throw keysetInvalid(row.name());
        }
        try {
            return KeyState.of(row, kind, Keysets.open(row.sealedKeyset(), from, row.org(), row.name(), kind),
                    nowNanos);
        } catch (GeneralSecurityException e) {
            throw keysetInvalid(row.name());
        }
    }

    private KeysetHandle openHandle(KeyRows.StoredKey row, CipherKeyKind kind) throws GeneralSecurityException {
        RootKeyMaterial from = RootKeyMaterial.select(row.rootFingerprint(), root, previous);
        if (from == null) {
            throw keysetInvalid(row.name());
        }
        return Keysets.open(row.sealedKeyset(), from, row.org(), row.name(), kind);
    }

    // ---- management, each in the caller's transaction ----

    /** Creates a key with version 1 as primary; a taken name is {@link ErrorCode#CONFLICT}. */
    public CipherKeyInfo create(Tx tx, OrgId org, String name, CipherKeyKind kind) throws SQLException {
        if (KeyRows.load(tx, org, name, false).isPresent()) {
            throw new MoleSignalException(ErrorCode.CONFLICT, "a cipher key with this name already exists");
        }
        Instant now = clock.instant();
        try {
            KeysetHandle h = Keysets.generate(kind);
            KeyRows.insertKey(tx, org, name, kind.wireName(), Keysets.seal(h, root, org, name, kind),
                    root.fingerprint(), now);
            KeyRows.insertVersion(tx, org, name, 1, h.getAt(0).getId(), now);
        } catch (GeneralSecurityException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "the cipher key could not be created");
        } catch (SQLException e) {
            if (tx.dialect().isUniqueViolation(e)) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "a cipher key with this name already exists");
            }
            throw e;
        }
        return afterWrite(tx, org, name);
    }

    /** Adds a new primary version. */
    public CipherKeyInfo rotate(Tx tx, OrgId org, String name) throws SQLException {
        KeyRows.StoredKey row = KeyRows.load(tx, org, name, true).orElseThrow(() -> unknownKey(name));
        rotateLocked(tx, row);
        return afterWrite(tx, org, name);
    }

    private int rotateLocked(Tx tx, KeyRows.StoredKey row) throws SQLException {
        CipherKeyKind kind = kindOf(row);
        Instant now = clock.instant();
        try {
            KeysetHandle h = Keysets.rotate(openHandle(row, kind), kind);
            int version = h.size();
            KeyRows.updateKeyset(tx, row.org(), row.name(), Keysets.seal(h, root, row.org(), row.name(), kind),
                    root.fingerprint(), version, now);
            KeyRows.insertVersion(tx, row.org(), row.name(), version, h.getAt(version - 1).getId(), now);
            return version;
        } catch (GeneralSecurityException e) {
            throw keysetInvalid(row.name());
        }
    }

    /** Enables or disables a version; the primary cannot be disabled ({@link ErrorCode#CONFLICT}). */
    public CipherKeyInfo setEnabled(Tx tx, OrgId org, String name, int version, boolean enabled)
            throws SQLException {
        KeyRows.StoredKey row = KeyRows.load(tx, org, name, true).orElseThrow(() -> unknownKey(name));
        if (version < 1 || version > row.versions().size()) {
            throw new MoleSignalException(ErrorCode.NOT_FOUND, "cipher key " + name + " has no version " + version);
        }
        if (!enabled && version == row.primaryVersion()) {
            throw new MoleSignalException(ErrorCode.CONFLICT,
                    "the primary version cannot be disabled; rotate the key first");
        }
        CipherKeyKind kind = kindOf(row);
        try {
            KeysetHandle h = Keysets.withStatus(openHandle(row, kind), version - 1, enabled);
            KeyRows.updateKeyset(tx, org, name, Keysets.seal(h, root, org, name, kind), root.fingerprint(),
                    row.primaryVersion(), clock.instant());
            KeyRows.updateVersionStatus(tx, org, name, version, enabled ? "enabled" : "disabled");
        } catch (GeneralSecurityException e) {
            throw keysetInvalid(name);
        }
        return afterWrite(tx, org, name);
    }

    /** Reads a key's metadata in the caller's transaction. */
    public Optional<CipherKeyInfo> info(Tx tx, OrgId org, String name) throws SQLException {
        Optional<KeyRows.StoredKey> row = KeyRows.load(tx, org, name, false);
        return row.map(r -> open(r, ticker.read()).info());
    }

    private CipherKeyInfo afterWrite(Tx tx, OrgId org, String name) throws SQLException {
        tx.afterCommit(() -> cache.invalidate(new CacheKey(org, name)));
        return info(tx, org, name).orElseThrow(() -> unknownKey(name));
    }

    private static CipherKeyKind kindOf(KeyRows.StoredKey row) {
        try {
            return CipherKeyKind.parse(row.kind());
        } catch (MoleSignalException e) {
            throw keysetInvalid(row.name());
        }
    }

    // ---- the encryption budget ----

    /**
     * The version an encryption uses: the primary, after taking one encryption from this instance's lease on it
     * (AES-GCM only). An empty lease reserves a block in the database ({@link #reserve}); when the primary's budget
     * is spent the key has been rotated and the new primary is used.
     */
    VersionState versionForEncryption(KeyState st) {
        if (st.kind != CipherKeyKind.AES256_GCM) {
            return st.primary();
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            VersionState v = st.primary();
            AtomicLong lease = st.primaryLease;
            if (lease == null) {
                lease = leases.computeIfAbsent(new LeaseKey(st.org, st.name, v.version), k -> new AtomicLong());
                st.primaryLease = lease;
            }
            if (take(lease)) {
                return v;
            }
            synchronized (lease) {
                if (take(lease)) {
                    return v;
                }
                long granted = reserve(st.org, st.name, v.version);
                if (granted > 0) {
                    lease.addAndGet(granted - 1);
                    return v;
                }
            }
            st = reload(st.org, st.name);
        }
        throw new MoleSignalException(ErrorCode.UNAVAILABLE, "no encryption budget could be reserved for key "
                + st.name);
    }

    private static boolean take(AtomicLong lease) {
        long r;
        do {
            r = lease.get();
            if (r <= 0) {
                return false;
            }
        } while (!lease.compareAndSet(r, r - 1));
        return true;
    }

    /**
     * Reserves up to one block of encryptions of {@code version} in the database: 0 when it is no longer the
     * primary or its budget is spent. When this reservation hands out the last of the budget, the key is rotated in
     * the same transaction (audited as {@code cipher_key.rotate} by the system), so no instance reserves more.
     */
    private long reserve(OrgId org, String name, int version) {
        return database.inTransaction(tx -> {
            KeyRows.StoredKey row = KeyRows.load(tx, org, name, true).orElseThrow(() -> unknownKey(name));
            if (row.primaryVersion() != version) {
                return 0L;
            }
            KeyRows.StoredVersion sv = row.versions().get(version - 1);
            long left = budget - sv.reservedEncryptions();
            if (left <= 0) {
                autoRotate(tx, row);
                return 0L;
            }
            long grant = Math.min(block, left);
            KeyRows.addReserved(tx, org, name, version, grant);
            if (grant == left) {
                autoRotate(tx, row);
            }
            return grant;
        });
    }

    private void autoRotate(Tx tx, KeyRows.StoredKey row) throws SQLException {
        int newVersion = rotateLocked(tx, row);
        auditLog.append(tx, AuditRecord.builder(row.org(), "cipher_key.rotate",
                        AuditContext.system("cipher_key.budget")).target(row.name())
                .detail("name", row.name()).detail("kind", row.kind()).detail("version", newVersion)
                .detail("primary_version", newVersion).detail("reason", "encryption_budget").build());
        tx.afterCommit(() -> cache.invalidate(new CacheKey(row.org(), row.name())));
        LOG.info("cipher key {} of org {} rotated to version {}: encryption budget of version {} reserved",
                row.name(), row.org(), newVersion, row.primaryVersion());
    }

    /** Forgets every cached keyset. */
    public void clear() {
        cache.invalidateAll();
    }

    public String rootFingerprint() {
        return root.fingerprint();
    }

    public static CipherException unknownKey(String name) {
        Objects.requireNonNull(name, "name");
        return new CipherException(CipherFailure.UNKNOWN_KEY, "no cipher key named " + safeName(name)
                + " in this org");
    }

    static CipherException keysetInvalid(String name) {
        return new CipherException(CipherFailure.KEYSET_INVALID, "the stored keyset of cipher key " + safeName(name)
                + " does not open under the root key (altered, or copied from another org or key)");
    }

    /** Key names in messages: only when they are valid names (so a message never echoes arbitrary input). */
    static String safeName(String name) {
        return CipherKeyNames.isValid(name) ? name : "(invalid name)";
    }
}
