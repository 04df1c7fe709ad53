package io.molesignal.core.audit;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.CursorCodec;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.Ticker;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Tx;
import io.molesignal.core.internal.Micros;
import io.molesignal.core.internal.StoredSecrets;
import io.molesignal.core.spi.SecretSealer;

/**
 * The tamper-evident audit log of every mutation.
 *
 * <p><b>Same transaction, fail closed.</b> {@link #append(Tx, AuditRecord)} writes an entry in the caller's
 * transaction, so a mutation and its entry commit together; if the entry cannot be written the method throws
 * {@link ErrorCode#UNAVAILABLE} and the caller's transaction rolls back. Denied and failed attempts are recorded with
 * {@link #record(AuditRecord)} in a transaction of their own.
 *
 * <p><b>Tamper evidence.</b> Each org has a hash chain ({@code hash_n = H(hash_{n-1} ‖ canonical(entry_n))}, see
 * {@code AuditChain}) and a head (last seq and hash) updated in the same transaction, with {@code seq} gap-free per
 * org. With a {@link SecretSealer} the chain is keyed: {@code H} is HMAC-SHA256 under a random 256-bit chain key
 * stored sealed in the database, so a database writer cannot recompute it. Without one {@code H} is plain SHA-256:
 * {@link #verify(OrgId)} then detects accidental edits and edits that did not recompute the following hashes, but
 * a writer who recomputes the chain and the head is not detected. Neither mode detects a truncation that also moves
 * the head back to an earlier entry; export heads elsewhere to anchor them.
 *
 * <p><b>Floods.</b> {@link #recordRejection(AuditRecord)} coalesces repeated rejections (429/413): the first of an
 * episode is written at once, then at most one entry per second per (org, action, target, outcome) carrying the exact
 * {@code count}; an episode starts at the first rejection after 60 s without one; {@link #close()} flushes.
 *
 * <p><b>Query.</b> {@link #query(Principal, AuditQuery)} reads the caller's org only, newest first, with an opaque
 * cursor bound to the org.
 *
 * <p>Thread-safe. Owns one daemon thread (the coalescer); close it.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final Database database;
    private final AuditStore store;
    private final Clock clock;
    private final AuditChain chain;
    private final CursorCodec cursors;
    private final ScheduledExecutorService coalescerThread;
    private final RejectionCoalescer coalescer;
    private final AtomicLong writeFailures = new AtomicLong();

    private AuditLog(Builder b) {
        this.database = b.database;
        this.store = b.store;
        this.clock = b.clock;
        byte[] chainKey = b.sealer == null ? null
                : StoredSecrets.getOrCreate(database, "audit.chain", b.sealer, b.random, clock);
        this.chain = new AuditChain(chainKey);
        this.cursors = CursorCodec.load(database, b.sealer, b.random, clock);
        this.coalescerThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "molesignal-audit-coalescer");
            t.setDaemon(true);
            return t;
        });
        this.coalescer = new RejectionCoalescer(b.ticker, coalescerThread, this::record);
        coalescerThread.scheduleWithFixedDelay(() -> coalescer.flush(false), 200, 200, TimeUnit.MILLISECONDS);
    }

    /** A builder over the host's database (the core migrations must have run: {@code database.migrate("core")}). */
    public static Builder builder(Database database) {
        return new Builder(database);
    }

    /** Whether the chain is keyed (a {@link SecretSealer} was given). */
    public boolean keyed() {
        return chain.keyed();
    }

    /** The number of entries that could not be written since start (for a metric). */
    public long writeFailures() {
        return writeFailures.get();
    }

    /**
     * Appends an entry in the caller's transaction.
     *
     * @return the entry as stored
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when it cannot be written (the caller must let its
     *         transaction roll back, which {@link Database#inTransaction} does)
     */
    public AuditEntry append(Tx tx, AuditRecord r) {
        Objects.requireNonNull(tx, "tx");
        Objects.requireNonNull(r, "record");
        try {
            AuditStore.ChainHead head = store.lockHead(tx, r.org(), AuditChain.GENESIS);
            AuditEntry unsigned = new AuditEntry(r.org(), head.lastSeq() + 1, Micros.truncate(clock.instant()),
                    r.context().actor(), r.action(), r.target(), r.outcome(), r.status(), r.context().requestId(),
                    r.context().sourceAddress(), r.details(), r.count(), chain.kind(), "");
            String hash = chain.hash(chain.kind(), head.lastHash(), unsigned);
            AuditEntry entry = new AuditEntry(unsigned.org(), unsigned.seq(), unsigned.timestamp(), unsigned.actor(),
                    unsigned.action(), unsigned.target(), unsigned.outcome(), unsigned.status(), unsigned.requestId(),
                    unsigned.sourceAddress(), unsigned.details(), unsigned.count(), unsigned.chain(), hash);
            store.append(tx, entry);
            return entry;
        } catch (SQLException | RuntimeException e) {
            writeFailures.incrementAndGet();
            LOG.error("audit entry for action {} in org {} could not be written", r.action(), r.org(), e);
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "the audit entry could not be written", e);
        }
    }

    /**
     * Appends an entry in a transaction of its own (denied or failed attempts, whose own transaction rolled back).
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when it cannot be written
     */
    public AuditEntry record(AuditRecord r) {
        return database.inTransaction(tx -> append(tx, r));
    }

    /**
     * Runs a mutation and its audit entry in one transaction: the entry (outcome success) is appended after
     * {@code work} returns, and both commit together or not at all. When the work throws a
     * {@link MoleSignalException}, the transaction rolls back and an entry with outcome {@code denied}
     * ({@link ErrorCode#FORBIDDEN}, {@link ErrorCode#UNAUTHENTICATED}) or {@code failure} (anything else) and the
     * code's status is written in a transaction of its own; then the exception is rethrown.
     *
     * @param entry the entry to complete; the work may set its target and details
     * @throws MoleSignalException what the work threw, or {@link ErrorCode#UNAVAILABLE} when the entry could not be
     *         written (nothing was changed)
     */
    public <T> T mutate(AuditRecord.Builder entry, Mutation<T> work) {
        Objects.requireNonNull(entry, "entry");
        try {
            return database.inTransaction(tx -> {
                T result = work.apply(tx, entry);
                append(tx, entry.build());
                return result;
            });
        } catch (MoleSignalException e) {
            Outcome outcome = e.code() == ErrorCode.FORBIDDEN || e.code() == ErrorCode.UNAUTHENTICATED
                    ? Outcome.DENIED : Outcome.FAILURE;
            try {
                record(entry.outcome(outcome, e.httpStatus()).build());
            } catch (MoleSignalException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Records one repeated rejection (a 429 or 413) through the coalescer. Never blocks on the database and never
     * throws for a database failure (the count is kept and written later).
     */
    public void recordRejection(AuditRecord r) {
        Objects.requireNonNull(r, "record");
        try {
            coalescer.reject(r.count() == 1 ? r : r.withCount(1)); // no second validation on the 429 path
        } catch (RejectedExecutionException closed) {
            // After close(): the count stays pending; nothing more will be written.
            LOG.warn("audit log closed; rejection of {} not recorded", r.action());
        }
    }

    /**
     * Records one repeated rejection like {@link #recordRejection(AuditRecord)}, without building its record on the
     * caller's thread: the rejection is counted under (org, action, target, outcome), and {@code record} is called
     * only when an entry is written (the first of an episode, then at most once a second per key, with the exact
     * count replacing the record's), on the coalescer thread, for the latest rejection's supplier. So a flood of
     * rejections costs a counter update each, not a record with its validation. The supplier must return a record
     * with this org, action, target and outcome; one that throws or does not match is logged (the entry of the
     * rejections it stands for is dropped). Never blocks on the database and never throws for a database failure.
     */
    public void recordRejection(OrgId org, String action, String target, Outcome outcome,
                                Supplier<AuditRecord> record) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(record, "record");
        try {
            coalescer.reject(new RejectionCoalescer.Key(org, action, target, outcome), record);
        } catch (RejectedExecutionException closed) {
            LOG.warn("audit log closed; rejection of {} not recorded", action);
        }
    }

    /**
     * Reads the caller's org's entries, newest first.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} when the caller is not admin+ or lacks the admin scope;
     *         {@link ErrorCode#INVALID_INPUT} for a cursor of another org or an edited one;
     *         {@link ErrorCode#UNAVAILABLE} on a database failure
     */
    public AuditPage query(Principal caller, AuditQuery q) {
        caller.require(Role.ADMIN, Scope.ADMIN);
        OrgId org = caller.org();
        long before = Long.MAX_VALUE;
        if (q.cursor() != null) {
            try {
                before = Long.parseLong(cursors.decode(org, "audit", q.cursor()));
            } catch (NumberFormatException e) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid cursor");
            }
        }
        long beforeSeq = before;
        List<AuditEntry> rows = database.inTransaction(tx -> store.query(tx, org, q, beforeSeq, q.limit() + 1));
        String next = null;
        if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            next = cursors.encode(org, "audit", Long.toString(rows.get(rows.size() - 1).seq()));
        }
        return new AuditPage(rows, next);
    }

    /**
     * Verifies an org's chain: sequence numbers from 1 without gaps, every hash, and the head.
     *
     * @return ok, or the first sequence number that was edited, deleted or reordered
     * @throws MoleSignalException {@link ErrorCode#CIPHER_DISABLED} when the chain is keyed and no sealer was given
     */
    public VerifyResult verify(OrgId org) {
        return database.inTransaction(tx -> {
            long[] state = {1, 0, 0}; // expected seq, first bad, keyed seen
            String[] prev = {AuditChain.GENESIS};
            store.scan(tx, org, e -> {
                if (state[1] != 0) {
                    return;
                }
                if (e.seq() != state[0]) {
                    state[1] = Math.min(state[0], e.seq());
                    return;
                }
                if (AuditChain.HMAC_SHA256.equals(e.chain())) {
                    if (!chain.keyed()) {
                        throw new MoleSignalException(ErrorCode.CIPHER_DISABLED,
                                "the audit chain is keyed; MS_CIPHER_KEY is needed to verify it");
                    }
                    state[2] = 1;
                } else if (!AuditChain.SHA256.equals(e.chain()) || state[2] == 1) {
                    // An unkeyed entry after a keyed one is a downgrade.
                    state[1] = e.seq();
                    return;
                }
                String h = chain.hash(e.chain(), prev[0], e);
                if (!h.equals(e.hash())) {
                    state[1] = e.seq();
                    return;
                }
                prev[0] = h;
                state[0]++;
            });
            long read = state[0] - 1;
            AuditStore.ChainHead head = store.head(tx, org).orElse(new AuditStore.ChainHead(0, AuditChain.GENESIS));
            if (state[1] != 0) {
                return new VerifyResult(false, read, head.lastSeq(), state[1]);
            }
            if (head.lastSeq() != read) {
                // Tail deleted (head ahead) or entries appended without moving the head.
                return new VerifyResult(false, read, head.lastSeq(), Math.min(head.lastSeq(), read) + 1);
            }
            if (!head.lastHash().equals(prev[0])) {
                return new VerifyResult(false, read, head.lastSeq(), Math.max(read, 1));
            }
            return new VerifyResult(true, read, head.lastSeq(), 0);
        });
    }

    /** Stops the coalescer after writing every pending rejection count. */
    @Override
    public void close() {
        coalescerThread.shutdown();
        try {
            if (!coalescerThread.awaitTermination(10, TimeUnit.SECONDS)) {
                coalescerThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        coalescer.flush(true);
    }

    /** Builds an {@link AuditLog}. Not thread-safe. */
    public static final class Builder {
        private final Database database;
        private AuditStore store = new JdbcAuditStore();
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();
        private @Nullable SecretSealer sealer;
        private SecureRandom random = new SecureRandom();

        private Builder(Database database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        /** The store (default {@link JdbcAuditStore}). */
        public Builder store(AuditStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Wall time for entry timestamps (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Monotonic time for coalescing (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Keys the chain with a sealed random key (recommended; the crypto module provides the sealer). */
        public Builder sealer(@Nullable SecretSealer sealer) {
            this.sealer = sealer;
            return this;
        }

        /** Randomness for the stored keys (default a new {@link SecureRandom}). */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Loads (or creates) the stored keys and starts the coalescer.
         *
         * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} on a database failure;
         *         {@link ErrorCode#CIPHER_DISABLED} when the chain key is sealed and no sealer was given
         */
        public AuditLog build() {
            return new AuditLog(this);
        }
    }
}
