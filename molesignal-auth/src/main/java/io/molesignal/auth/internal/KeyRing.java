package io.molesignal.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.auth.KeyRotation;
import io.molesignal.auth.SigningKeyStore;
import io.molesignal.auth.StoredSigningKey;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Ticker;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Tx;

import io.molesignal.core.spi.SecretSealer;

/**
 * The per-org HS256 signing keys of this instance: an immutable snapshot of every usable key (active, or retiring
 * within its grace), reloaded from the database when older than {@code refreshInterval} (so a retirement done by
 * another instance is noticed within that time) and on an unknown {@code kid} (single-flight, at most once per
 * {@code minReloadInterval}, so a flood of random kids cannot hammer the database). Keys that leave the snapshot are
 * reported to a listener (which drops cached tokens they signed). Thread-safe.
 */
public final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    public static final int KEY_BYTES = 32;

    /** A usable key; {@code notAfter} null while active. */
    public record Key(String kid, OrgId org, SecretKey secret, @Nullable Instant notAfter) {
        public boolean usableAt(Instant now) {
            return notAfter == null || now.isBefore(notAfter);
        }

        @Override
        public String toString() {
            return "Key[kid=" + kid + ", org=" + org + ", notAfter=" + notAfter + "]";
        }
    }

    private record Snapshot(Map<String, Key> byKid, Map<OrgId, Key> active) {
    }

    private final Database database;
    private final SigningKeyStore store;
    private final @Nullable SecretSealer sealer;
    private final SecureRandom random;
    private final Clock clock;
    private final Ticker ticker;
    private final long refreshNanos;
    private final long minReloadNanos;
    private final Consumer<Set<String>> onDropped;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong reloads = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
    private volatile long lastLoad;

    public KeyRing(Database database, SigningKeyStore store, @Nullable SecretSealer sealer, SecureRandom random,
                   Clock clock, Ticker ticker, Duration refreshInterval, Duration minReloadInterval,
                   Consumer<Set<String>> onDropped) {
        this.database = database;
        this.store = store;
        this.sealer = sealer;
        this.random = random;
        this.clock = clock;
        this.ticker = ticker;
        this.refreshNanos = refreshInterval.toNanos();
        this.minReloadNanos = minReloadInterval.toNanos();
        this.onDropped = onDropped;
    }

    /** Start-up: seal or re-seal stored keys as the sealer requires, make sure {@code _meta} has a key, load. */
    public void start() {
        database.inTransaction(tx -> {
            for (StoredSigningKey k : store.lockAll(tx)) {
                if (k.sealed() && sealer == null) {
                    throw new MoleSignalException(ErrorCode.CIPHER_DISABLED, "the JWT signing keys are sealed under "
                            + "MS_CIPHER_KEY; start with MS_CIPHER_KEY set");
                }
                if (sealer != null && (!k.sealed() || sealer.needsReseal(k.value()))) {
                    byte[] secret = open(k);
                    store.updateValue(tx, k.kid(), sealer.seal(secret, aad(k.org(), k.kid())), true);
                    java.util.Arrays.fill(secret, (byte) 0);
                }
            }
            return null;
        });
        database.inTransaction(tx -> {
            ensureActive(tx, OrgId.META);
            return null;
        });
        reload();
    }

    /** Makes sure {@code org} has an active key (inserts one unless present; a concurrent insert wins cleanly). */
    public void ensureActive(Tx tx, OrgId org) throws SQLException {
        if (store.lockActive(tx, org).isEmpty()) {
            store.insertActive(tx, newKey(org));
        }
    }

    /**
     * Rotates {@code org}'s key in the caller's transaction: the active key retires with {@code notAfter = now +
     * grace} and a new key becomes active.
     */
    public KeyRotation rotate(Tx tx, OrgId org, Duration grace) throws SQLException {
        Instant now = Sql.micros(clock.instant());
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<StoredSigningKey> active = store.lockActive(tx, org);
            if (active.isEmpty()) {
                // Another instance rotated concurrently (its new row was not visible to our statement yet): retry.
                continue;
            }
            Instant until = now.plus(grace);
            if (!store.retire(tx, active.get().kid(), until)) {
                continue;
            }
            StoredSigningKey fresh = newKey(org);
            if (!store.insertActive(tx, fresh)) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "a concurrent rotation is in progress; retry");
            }
            return new KeyRotation(fresh.kid(), active.get().kid(), until);
        }
        throw new MoleSignalException(ErrorCode.CONFLICT, "a concurrent rotation is in progress; retry");
    }

    /** The key with this kid if it is in the snapshot (reloading once for an unknown kid, rate-limited). */
    public Optional<Key> forKid(String kid) {
        refreshIfStale();
        Key k = snapshot.byKid.get(kid);
        if (k != null) {
            return Optional.of(k);
        }
        reloadForUnknown();
        return Optional.ofNullable(snapshot.byKid.get(kid));
    }

    /** The key with this kid in the current snapshot, refreshing first when the snapshot is stale. */
    public @Nullable Key cached(String kid) {
        refreshIfStale();
        return snapshot.byKid.get(kid);
    }

    /** {@code org}'s active key, creating it when the org has none yet. */
    public Key active(OrgId org) {
        refreshIfStale();
        Key k = snapshot.active.get(org);
        if (k != null) {
            return k;
        }
        reload();
        k = snapshot.active.get(org);
        if (k != null) {
            return k;
        }
        database.inTransaction(tx -> {
            ensureActive(tx, org);
            return null;
        });
        reload();
        k = snapshot.active.get(org);
        if (k == null) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "no signing key could be loaded");
        }
        return k;
    }

    /** How many times the keys were read from the database. */
    public long reloads() {
        return reloads.get();
    }

    private void refreshIfStale() {
        if (ticker.read() - lastLoad >= refreshNanos && lock.tryLock()) {
            try {
                if (ticker.read() - lastLoad >= refreshNanos) {
                    load();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void reloadForUnknown() {
        if (ticker.read() - lastLoad < minReloadNanos) {
            return;
        }
        lock.lock();
        try {
            // Single flight: whoever waited behind the reload sees a fresh snapshot and does not reload again.
            if (ticker.read() - lastLoad >= minReloadNanos) {
                load();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reloads now (after a local rotation). */
    public void reload() {
        lock.lock();
        try {
            load();
        } finally {
            lock.unlock();
        }
    }

    private void load() {
        Instant now = clock.instant();
        Snapshot old = snapshot;
        // Keys retired up to a day ago stay in the snapshot (unusable) so their tokens are refused as KEY_RETIRED.
        var rows = database.inTransaction(tx -> store.usable(tx, now.minus(Duration.ofHours(25))));
        Map<String, Key> byKid = new HashMap<>();
        Map<OrgId, Key> active = new HashMap<>();
        for (StoredSigningKey r : rows) {
            Key prev = old.byKid.get(r.kid());
            SecretKey secret = prev != null ? prev.secret() : new SecretKeySpec(open(r), "HmacSHA256");
            Key k = new Key(r.kid(), r.org(), secret, r.notAfter());
            byKid.put(k.kid(), k);
            if (k.notAfter() == null) {
                active.put(k.org(), k);
            }
        }
        snapshot = new Snapshot(Map.copyOf(byKid), Map.copyOf(active));
        lastLoad = ticker.read();
        reloads.incrementAndGet();
        Set<String> dropped = new HashSet<>();
        for (Key k : old.byKid.values()) {
            Key now2 = byKid.get(k.kid());
            if (now2 == null || !now2.usableAt(now) && k.usableAt(now)) {
                dropped.add(k.kid());
            } else if (!java.util.Objects.equals(now2.notAfter(), k.notAfter())) {
                dropped.add(k.kid()); // retired elsewhere: cached tokens re-check the new deadline
            }
        }
        if (!dropped.isEmpty()) {
            LOG.debug("signing keys left the usable set or changed state: {}", dropped.size());
            onDropped.accept(dropped);
        }
    }

    private StoredSigningKey newKey(OrgId org) {
        byte[] secret = new byte[KEY_BYTES];
        random.nextBytes(secret);
        String kid = Base62.random(random, 22);
        String value = sealer == null ? Base64.getEncoder().encodeToString(secret) : sealer.seal(secret, aad(org, kid));
        java.util.Arrays.fill(secret, (byte) 0);
        return new StoredSigningKey(kid, org, value, sealer != null, Sql.micros(clock.instant()), null);
    }

    private byte[] open(StoredSigningKey k) {
        if (!k.sealed()) {
            return Base64.getDecoder().decode(k.value());
        }
        if (sealer == null) {
            throw new MoleSignalException(ErrorCode.CIPHER_DISABLED, "the JWT signing keys are sealed under "
                    + "MS_CIPHER_KEY; start with MS_CIPHER_KEY set");
        }
        return sealer.open(k.value(), aad(k.org(), k.kid()));
    }

    static byte[] aad(OrgId org, String kid) {
        return ("auth.signing_key|" + org.value() + "|" + kid).getBytes(StandardCharsets.UTF_8);
    }
}
