package io.molesignal.core.quota;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.Ticker;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.db.Tx;
import io.molesignal.core.internal.quota.AlertDispatcher;
import io.molesignal.core.internal.quota.DistributedLimiter;
import io.molesignal.core.internal.quota.LimitsRepository;
import io.molesignal.core.internal.quota.OrgState;
import io.molesignal.core.internal.quota.Gcra;
import io.molesignal.core.internal.quota.RateParams;
import io.molesignal.core.internal.quota.StorageLedger;

/**
 * Per-org quotas: ingest events per second, queries per second (each a token bucket with a burst), storage bytes
 * and retention days. The org is always the authenticated principal's.
 *
 * <h2>Rates</h2>
 * {@link #tryAcquire(Principal, QuotaKind, long)} decides one request with GCRA (the generic cell rate algorithm of
 * ATM Forum TM 4.0 / ITU-T I.371, as used by redis-cell): one CAS under a sequence lock per (org, kind) and no
 * allocation, on the injected monotonic {@link Ticker}, with exact integer arithmetic (no fixed windows, no refill
 * drift, no overflow for rates and bursts up to 10⁹). Over any interval of length {@code t} a bucket admits at most
 * {@code rate·t + burst} tokens; a ticker standing still or going backwards never mints tokens (the theoretical
 * arrival time never moves back; a reading so far back that the burst would be exceeded clamps the bucket to empty).
 * Ingest cost is the number of events; a request costing more than the burst is refused with 413
 * {@link ErrorCode#QUOTA_INGEST_BATCH} and no Retry-After. The result is a {@link RateDecision} value carrying the
 * {@code RateLimit-Policy}, {@code RateLimit} and {@code Retry-After} header values.
 *
 * <h2>Limits</h2>
 * Stored in {@code ms_quota_limits} (a missing row means {@link QuotaLimits#DEFAULTS}); read and changed by the
 * platform root only ({@link #limitsOf}, {@link #updateLimits}, audited {@code org.quotas.update} in the org). A
 * change applies on this instance to the next decision, and other instances poll for changes every
 * {@link Builder#pollInterval(Duration)} (default 500 ms, so within 1 s). Under new limits a bucket keeps its debt
 * in tokens, clamped to the new burst: a lowered limit has no stale credit, a raised one is usable at once; a
 * decision that read the limits just before a change is decided again under the new ones.
 *
 * <h2>Bounded state</h2>
 * Per-org state lives in a Caffeine cache of at most {@link Builder#maxOrgs(long)} entries (default 1,000,000). An
 * entry expires only after its slowest bucket's fill time (burst ÷ rate, or the distributed mode's outage share's
 * when rounding makes that slower) plus a grace period without access, when its buckets are full again: forgetting
 * it then hands out nothing extra. Only size-based eviction (more active orgs than {@code maxOrgs}) can drop a
 * non-full bucket; that is counted ({@link QuotaMetrics#evictionsWithCredit()}) and alerted. A decision finds its
 * org's state in a direct-mapped front of 4,096 slots when the cache was read for that org within the current 50 ms
 * step of the cache's clock (it would not change the entry's expiry), else through Caffeine; a state the cache
 * evicted is never served from the front.
 *
 * <h2>Distributed mode</h2>
 * With {@link Builder#distributed(RateStore, int)} the N instances share one bucket per (org, kind) in PostgreSQL
 * ({@link PostgresRateStore}) or Redis ({@link RedisRateStore}), on the store's clock (or on a time base all instances
 * share, {@link Builder#distributedTime(Ticker)}). Each instance takes leases of
 * up to {@code k} tokens in one round trip and spends them locally (default
 * {@code k = max(1, min(burst / 2N, rate / 20))}, see {@link Builder#leaseTokens(long)}); a lease unspent after
 * {@link Builder#leaseTtl(Duration)} is dropped. <b>Over-admission bound:</b> while the store answers, every admitted
 * token was taken from the shared bucket, so within any window of length {@code w} the N instances together admit at
 * most {@code rate·w + burst + N·k} (the last term: tokens leased before the window and spent in it), i.e. at most
 * {@code N·k} more than one exact bucket would; tokens stranded in unspent leases make them admit up to {@code N·k}
 * less. Measured: see {@code QuotaDistributedBenchmark} and {@code DistributedQuotaContract}. While a limit change
 * propagates (≤ the poll interval) instances may still use the old limit. When the store is unreachable, each
 * instance falls back for a second at a time to a local bucket of {@code rate/N} and {@code burst/N} (so together
 * at most the limit when N is right), sets {@link QuotaMetrics#storeDegraded()}, counts
 * {@link QuotaMetrics#storeErrors()} and alerts {@link QuotaAlert.Type#STORE_UNREACHABLE}; admitting everything
 * instead needs {@link Builder#allowInsecureFailOpen(boolean)}.
 *
 * <h2>Storage and retention</h2>
 * {@link #reserveStorage} reserves bytes before an insert (exactly at the limit is allowed; one byte over throws
 * {@link StorageQuotaExceededException}, 413 {@link ErrorCode#QUOTA_STORAGE}); the {@link StorageReservation} is
 * committed or released after it. Usage ({@code ms_quota_storage}) survives restarts and is reconciled
 * ({@link #reconcileStorage()}) org by org as the sum of the size column of every registered {@link EventTable}.
 * {@link #runRetention()} deletes each org's events older than its retention in bounded batches through the
 * {@link TenantSession}, lowers usage and audits {@code retention.delete}; {@link #deleteStream} does the same for one
 * stream at once and audits {@code stream.delete}.
 *
 * <h2>Rejections and alerts</h2>
 * Every rejection goes to {@link AuditLog#recordRejection(OrgId, String, String, Outcome, java.util.function.Supplier)}
 * ({@code quota.reject}, target = the quota; counted, coalesced with exact counts, the record built only for the
 * entries written) and, once per (org, quota) episode (the first rejection after 60 s without one), to the
 * {@link AlertSink}, asynchronously: a sink that throws or hangs never slows a decision. Storage also alerts at 80 %
 * and 100 % of the quota.
 *
 * <p>Thread-safe. Owns a cache, an alert thread and (unless disabled) a scheduler thread; close it.
 */
public final class QuotaGovernor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaGovernor.class);
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final long EPISODE_GAP_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int PAGE = 500;
    private static final long COARSE_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Database database;
    private final AuditLog auditLog;
    private final Ticker ticker;
    private final Clock clock;
    private final TenantSession tenantSession;
    private final List<EventTable> tables;
    private final LimitsRepository limitsRepo = new LimitsRepository();
    private final StorageLedger ledger = new StorageLedger();
    private final Cache<OrgId, OrgState> states;
    private final Function<OrgId, OrgState> loader = this::load;
    private final OrgState.Config defaultConfig = new OrgState.Config(QuotaLimits.DEFAULTS, 0);
    private final @Nullable DistributedLimiter distributed;
    private final int instances; // sharing the limits: 1 without the distributed mode
    private final AlertDispatcher alerts;
    private final Cache<EpisodeKey, AtomicLong> episodes;

    /** An alert episode's key: the org and the rate quota. */
    private record EpisodeKey(OrgId org, QuotaKind quota) {
    }
    private final Cache<OrgId, AtomicInteger> storageLevels;
    private final @Nullable ScheduledExecutorService scheduler;
    private final int retentionBatch;
    private final Duration reservationTimeout;
    private final AtomicLong lastSeq = new AtomicLong();
    // The cache's clock: the ticker as last seen by a decision or a maintenance run, in steps of at least 50 ms, so
    // that a decision reads the ticker once (expiry has a 10 s grace; a coarse clock only delays it). It never moves
    // back (advanceCoarse), not even with the ticker.
    private volatile long coarseNow;
    private static final VarHandle COARSE;

    static {
        try {
            COARSE = MethodHandles.lookup().findVarHandle(QuotaGovernor.class, "coarseNow", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Admitted decisions: those of the local buckets are counted in their GCRA state (no second atomic operation per
    // decision) and summed by metrics(), plus those of evicted states; `allowed` counts the unlimited and distributed
    // ones.
    private final LongAdder allowed = new LongAdder();
    private final LongAdder evictedAllowed = new LongAdder();
    private final AtomicLong admittedReported = new AtomicLong(); // metrics(): the highest admitted sum reported
    private final LongAdder rejected = new LongAdder();
    private final LongAdder storageRejected = new LongAdder();
    private final LongAdder evictionsWithCredit = new LongAdder();
    // A direct-mapped front of `states` (FRONT slots, indexed by the org's hash): a decision whose org sits in its slot
    // with the current coarse time skips the Caffeine lookup. Caffeine's clock is that same coarse time, so a read
    // through Caffeine at this coarse time would set the same access time and expiry: skipping it changes nothing
    // about when the entry expires, and an entry read at the current coarse time cannot have expired (its expiry is
    // at least the 10 s grace later). A state Caffeine evicted is flagged (synchronously, in the eviction listener)
    // and never used from the front again.
    private static final int FRONT = 4096;
    private final Front[] front = new Front[FRONT];

    /**
     * A front slot (immutable): a state, the coarse time at which it was last read through Caffeine, and the OrgId
     * object (equal to the state's org, checked by name in lookUp) whose decisions hit the slot without comparing
     * strings; an equal OrgId of another principal takes lookUp once and then becomes the key.
     */
    private record Front(OrgState state, long stamp, OrgId key) {
    }

    private QuotaGovernor(Builder b) {
        this.database = b.database;
        this.auditLog = b.auditLog;
        this.ticker = b.ticker;
        this.coarseNow = b.ticker.read();
        this.clock = b.clock;
        this.tenantSession = b.tenantSession != null ? b.tenantSession : TenantSession.builder(database).build();
        this.tables = List.copyOf(b.tables);
        this.retentionBatch = b.retentionBatch;
        this.reservationTimeout = b.reservationTimeout;
        this.alerts = new AlertDispatcher(b.alertSink, b.alertQueue);
        this.instances = b.store == null ? 1 : b.instances;
        this.states = Caffeine.newBuilder()
                .maximumSize(b.maxOrgs)
                .ticker(() -> coarseNow)
                .expireAfter(new IdleExpiry())
                .evictionListener(this::onEviction)
                .build();
        this.episodes = Caffeine.newBuilder().maximumSize(100_000).ticker(ticker::read)
                .expireAfterAccess(Duration.ofSeconds(120)).executor(Runnable::run).build();
        this.storageLevels = Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).build();
        this.distributed = b.store == null ? null : new DistributedLimiter(b.store, ticker, b.instances,
                b.leaseTokens, b.leaseTtl.toNanos(), b.failOpen, alerts::offer, b.storeTime);
        lastSeq.set(database.inTransaction(limitsRepo::currentSeq));
        if (b.background) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "molesignal-quota-jobs");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::cleanUp, 100, 100, TimeUnit.MILLISECONDS);
            long poll = b.pollInterval.toMillis();
            scheduler.scheduleWithFixedDelay(guard("limit poll", this::refreshLimits), poll, poll, TimeUnit.MILLISECONDS);
            long rec = b.reconcileInterval.toMillis();
            scheduler.scheduleWithFixedDelay(guard("storage reconciliation", this::reconcileStorage), rec, rec,
                    TimeUnit.MILLISECONDS);
            long ret = b.retentionInterval.toMillis();
            scheduler.scheduleWithFixedDelay(guard("retention", this::runRetention), ret, ret, TimeUnit.MILLISECONDS);
        } else {
            scheduler = null;
        }
    }

    /** A builder over the host's database (core migrations run) and audit log. */
    public static Builder builder(Database database, AuditLog auditLog) {
        return new Builder(database, auditLog);
    }

    Database database() {
        return database;
    }

    // ---------------------------------------------------------------------------------------------- rates

    /**
     * Decides a rate-limited request of the caller's org.
     *
     * @param caller the authenticated principal; its org is the only org used
     * @param kind ingest or query
     * @param cost tokens: the number of events for ingest, 1 for a query; at least 1
     * @return the decision; a refusal has already been audited and alerted
     * @throws IllegalArgumentException when {@code cost < 1}
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when the org's limits are not cached and the
     *         database cannot be read (fail closed)
     */
    public RateDecision tryAcquire(Principal caller, QuotaKind kind, long cost) {
        // The hot path (a local bucket) is kept small, with everything else out of line, so that the JIT can inline
        // it into its caller: the decision object then escapes only by the return, and a caller that reads only
        // allowed() lets escape analysis drop it, so an admitted decision allocates nothing.
        if (cost < 1) {
            throw badCost();
        }
        long now = ticker.read();
        OrgState st = state(caller.org(), now);
        RateParams p = st.config().params(kind);
        if (p == null || distributed != null || cost > p.burst()) {
            return decideElsewhere(caller, st, p, kind, cost);
        }
        long r = st.bucket(kind).acquire(ticker, p, cost, now); // counts itself when it admits
        return r > 0 ? Gcra.admitted(p, kind, r) : rejected(caller, p, kind, cost, r);
    }

    private static IllegalArgumentException badCost() {
        return new IllegalArgumentException("cost must be >= 1");
    }

    /** An unlimited quota, the distributed mode, or a cost above the burst. */
    private RateDecision decideElsewhere(Principal caller, OrgState st, @Nullable RateParams p, QuotaKind kind,
            long cost) {
        if (p == null) {
            allowed.increment();
            return RateDecision.unlimited(kind);
        }
        RateDecision d = cost > p.burst() ? Gcra.tooLarge(p, kind)
                : Objects.requireNonNull(distributed).tryAcquire(st, p, kind, cost);
        if (d.allowed()) {
            allowed.increment();
        } else {
            onRateRejected(caller, d);
        }
        return d;
    }

    private RateDecision rejected(Principal caller, RateParams p, QuotaKind kind, long cost, long r) {
        if (r == Gcra.STALE) {
            // The limits were read just before a change reached the bucket: decide again under the new ones, so a
            // request in flight during a change never gets the old limits' credit.
            return tryAcquire(caller, kind, cost);
        }
        RateDecision d = Gcra.decision(p, kind, cost, r);
        onRateRejected(caller, d);
        return d;
    }

    /**
     * The org's state, looked up at the reading {@code now}: from its front slot when it was read through Caffeine
     * at the current coarse time, else through Caffeine ({@link #lookUp}).
     */
    private OrgState state(OrgId org, long now) {
        long coarse = coarseNow;
        if (now - coarse < COARSE_STEP_NANOS) {
            Front f = front[slot(org)]; // a racy read of an immutable record of immutable/volatile fields: safe
            if (f != null && f.stamp == coarse) {
                OrgState st = f.state;
                if (f.key == org && !st.evicted()) { // the same OrgId object: no string comparison inline
                    return st;
                }
            }
        }
        return lookUp(org, now);
    }

    /**
     * Moves the cache's clock forward to {@code now} when it is at least {@code step} ahead, never back: a read
     * through Caffeine at an earlier time (a ticker behind, or a racing thread's older reading) would set the entry's
     * expiry from that time, so Caffeine could expire a state whose bucket is not full yet. Returns the clock.
     */
    private long advanceCoarse(long now, long step) {
        long coarse = coarseNow;
        while (now - coarse >= step) {
            if (COARSE.compareAndSet(this, coarse, now)) {
                return now;
            }
            coarse = coarseNow;
        }
        return coarse;
    }

    private static int slot(OrgId org) {
        int h = org.value().hashCode();
        return (h ^ (h >>> 16)) & (FRONT - 1);
    }

    /**
     * {@link #state} when the front cannot answer at once: advances the coarse clock first (a state is only used
     * after a read through Caffeine at the current coarse time, so the cache never expires a state a decision has
     * just used), then tries the front by org name, then Caffeine.
     */
    private OrgState lookUp(OrgId org, long now) {
        long coarse = advanceCoarse(now, COARSE_STEP_NANOS);
        int slot = slot(org);
        Front f = front[slot];
        if (f != null && f.stamp == coarse) {
            OrgState st = f.state;
            if (!st.evicted() && st.org().equals(org)) {
                if (f.key != org) {
                    front[slot] = new Front(st, coarse, org); // this caller's OrgId object now hits inline
                }
                return st;
            }
        }
        OrgState st = states.get(org, loader);
        front[slot] = new Front(st, coarse, org);
        return st;
    }

    /** {@link #tryAcquire} for an ingest request of {@code events} events. */
    public RateDecision tryAcquireIngest(Principal caller, long events) {
        return tryAcquire(caller, QuotaKind.INGEST, events);
    }

    /** {@link #tryAcquire} for one query. */
    public RateDecision tryAcquireQuery(Principal caller) {
        return tryAcquire(caller, QuotaKind.QUERY, 1);
    }

    private void onRateRejected(Principal caller, RateDecision d) {
        rejected.increment();
        String quota = d.kind().wireName();
        ErrorCode code = Objects.requireNonNull(d.code());
        try {
            // Counted by the coalescer; the record is built only when an entry is written (not per rejection).
            auditLog.recordRejection(caller.org(), "quota.reject", quota, Outcome.DENIED,
                    () -> AuditRecord.builder(caller.org(), "quota.reject", context(caller))
                            .target(quota).outcome(Outcome.DENIED, code.httpStatus())
                            .detail("quota", quota).detail("code", code.name()).detail("limit", d.limit()).build());
        } catch (RuntimeException e) {
            LOG.warn("quota rejection could not be handed to the audit log: {}", e.getClass().getName());
        }
        if (startsEpisode(caller.org(), d.kind())) {
            alerts.offer(new QuotaAlert(code == ErrorCode.QUOTA_INGEST_BATCH ? QuotaAlert.Type.BATCH_TOO_LARGE
                    : QuotaAlert.Type.RATE_REJECTING, caller.org(), quota, 0, d.limit()));
        }
    }

    private boolean startsEpisode(OrgId org, QuotaKind quota) {
        long now = ticker.read();
        AtomicLong last = episodes.get(new EpisodeKey(org, quota), k -> new AtomicLong(now - EPISODE_GAP_NANOS));
        long prev = last.getAndSet(now);
        return now - prev >= EPISODE_GAP_NANOS;
    }

    private static AuditContext context(Principal p) {
        return new AuditContext(Actor.of(p, p.subject()), null, null);
    }

    // --------------------------------------------------------------------------------------------- limits

    /**
     * The caller's own org's limits (any principal; {@code GET /api/v1/quotas}).
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} on a database failure
     */
    public QuotaLimits limits(Principal caller) {
        return readLimits(caller.org());
    }

    /**
     * An org's limits, for the platform root.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} for anyone else
     */
    public QuotaLimits limitsOf(Principal root, OrgId org) {
        root.requirePlatformRoot();
        return readLimits(org);
    }

    private QuotaLimits readLimits(OrgId org) {
        return database.inTransaction(tx -> limitsRepo.find(tx, org).map(LimitsRepository.Row::limits)
                .orElse(QuotaLimits.DEFAULTS));
    }

    /**
     * Replaces an org's limits (platform root only), audited {@code org.quotas.update} in that org with the new
     * values as details, in the same transaction. Applies to this instance's next decision after the commit and
     * reaches other instances within the poll interval.
     *
     * @param ctx who acted (the root user), request id and address, for the audit entry
     * @return the stored limits
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} when {@code root} is not the platform root (the
     *         attempt is audited as denied); {@link ErrorCode#NOT_FOUND} when the org does not exist;
     *         {@link ErrorCode#UNAVAILABLE} when the change or its audit entry cannot be written (nothing changed)
     */
    public QuotaLimits updateLimits(Principal root, AuditContext ctx, OrgId org, QuotaLimits limits) {
        Objects.requireNonNull(limits, "limits");
        AuditRecord.Builder entry = AuditRecord.builder(org, "org.quotas.update", ctx).target(org.value())
                .detail("ingest_qps", limits.ingestQps()).detail("ingest_burst", limits.ingestBurst())
                .detail("query_qps", limits.queryQps()).detail("query_burst", limits.queryBurst())
                .detail("storage_bytes", limits.storageBytes()).detail("retention_days", limits.retentionDays());
        long seq = auditLog.mutate(entry, (tx, e) -> {
            root.requirePlatformRoot();
            if (!orgExists(tx, org)) {
                throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such org");
            }
            return limitsRepo.upsert(tx, org, limits);
        });
        // Committed. Applied after the transaction's connection is released (not in afterCommit): applying may wait
        // for a load of the org's state in progress, which needs a connection of its own.
        applyLimits(org, limits, seq);
        return limits;
    }

    private static boolean orgExists(Tx tx, OrgId org) throws SQLException {
        try (var ps = tx.connection().prepareStatement("SELECT 1 FROM ms_org WHERE org_id = ?")) {
            ps.setString(1, org.value());
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void applyLimits(OrgId org, QuotaLimits limits, long seq) {
        // compute (not computeIfPresent, whose fast path returns at once while the key is still loading) waits for a
        // load of the org in progress and applies to the state it loaded, which may have read the row just before the
        // change: otherwise that state would keep the older limits (for good once the poll has moved past them).
        states.asMap().compute(org, (k, st) -> {
            if (st != null) {
                st.apply(new OrgState.Config(limits, seq));
            }
            return st;
        });
        afterStorageChange(org);
    }

    /**
     * Applies the limit changes committed by any instance since the last poll (the background poller calls this every
     * poll interval; hosts and tests may call it at any time).
     *
     * @return the number of changes seen
     */
    public int refreshLimits() {
        int seen = 0;
        while (true) {
            long from = lastSeq.get();
            List<LimitsRepository.Row> rows = database.inTransaction(tx -> limitsRepo.changesSince(tx, from, PAGE));
            for (LimitsRepository.Row r : rows) {
                applyLimits(r.org(), r.limits(), r.seq());
                lastSeq.accumulateAndGet(r.seq(), Math::max);
            }
            seen += rows.size();
            if (rows.size() < PAGE) {
                return seen;
            }
        }
    }

    private OrgState load(OrgId org) {
        Optional<LimitsRepository.Row> row = database.inTransaction(tx -> limitsRepo.find(tx, org));
        return new OrgState(org, row.map(r -> new OrgState.Config(r.limits(), r.seq())).orElse(defaultConfig));
    }

    // -------------------------------------------------------------------------------------------- storage

    /**
     * Reserves {@code bytes} of the caller's org's storage quota before an insert. Allowed when used + reserved +
     * bytes ≤ the quota (exactly at the limit is allowed); always allowed (and counted) when storage is unlimited.
     *
     * @param bytes the total size of the events to insert (API.md: UTF-8 length of each event's JSON after VRL), ≥ 0
     * @return the reservation, to commit after the insert or close to release
     * @throws StorageQuotaExceededException 413 {@link ErrorCode#QUOTA_STORAGE} with used, limit and requested
     *         (audited and alerted)
     * @throws IllegalArgumentException when {@code bytes < 0}
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} on a database failure (nothing reserved)
     */
    public StorageReservation reserveStorage(Principal caller, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0");
        }
        OrgId org = caller.org();
        Long limit = states.get(org, loader).config().limits().storageBytes();
        String id = UUID.randomUUID().toString();
        long micros = micros(clock.instant());
        long[] result = database.inTransaction(tx -> {
            StorageLedger.Usage u = ledger.lock(tx, org);
            long total = u.total();
            if (limit != null && (bytes > limit || total > limit - bytes)) {
                return new long[] {0, total};
            }
            ledger.add(tx, org, 0, bytes);
            ledger.insertReservation(tx, org, id, bytes, micros);
            return new long[] {1, total + bytes};
        });
        if (result[0] == 0) {
            storageRejected.increment();
            long lim = Objects.requireNonNull(limit);
            try {
                auditLog.recordRejection(AuditRecord.builder(org, "quota.reject", context(caller)).target("storage")
                        .outcome(Outcome.DENIED, ErrorCode.QUOTA_STORAGE.httpStatus()).detail("quota", "storage")
                        .detail("code", ErrorCode.QUOTA_STORAGE.name()).detail("limit", lim).build());
            } catch (RuntimeException e) {
                LOG.warn("storage rejection could not be handed to the audit log: {}", e.getClass().getName());
            }
            raiseStorageLevel(org, 2, result[1], lim);
            throw new StorageQuotaExceededException(result[1], lim, bytes);
        }
        if (limit != null) {
            checkStorageLevel(org, result[1], limit);
        }
        return new StorageReservation(this, org, id, bytes);
    }

    void commitReservation(Tx tx, OrgId org, String id, long bytes) throws SQLException {
        boolean open = ledger.deleteReservation(tx, org, id);
        ledger.add(tx, org, bytes, open ? -bytes : 0);
    }

    void releaseReservation(OrgId org, String id, long bytes) {
        try {
            database.inTransaction(tx -> {
                if (ledger.deleteReservation(tx, org, id)) {
                    ledger.add(tx, org, 0, -bytes);
                }
                return null;
            });
            afterStorageChange(org);
        } catch (RuntimeException e) {
            LOG.warn("storage reservation not released (the reconciler will expire it): {}", e.getClass().getName());
        }
    }

    /**
     * The caller's own org's storage usage.
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} on a database failure
     */
    public QuotaUsage usage(Principal caller) {
        return usageOf(caller.org());
    }

    /** An org's usage, for the platform root. @throws MoleSignalException FORBIDDEN for anyone else */
    public QuotaUsage usageOf(Principal root, OrgId org) {
        root.requirePlatformRoot();
        return usageOf(org);
    }

    private QuotaUsage usageOf(OrgId org) {
        StorageLedger.Usage u = database.inTransaction(tx -> ledger.read(tx, org));
        return new QuotaUsage(u.used(), u.reserved());
    }

    void afterStorageChange(OrgId org) {
        try {
            OrgState st = states.getIfPresent(org);
            Long limit = (st != null ? st.config().limits() : readLimits(org)).storageBytes();
            if (limit == null) {
                storageLevels.invalidate(org);
                return;
            }
            StorageLedger.Usage u = database.inTransaction(tx -> ledger.read(tx, org));
            checkStorageLevel(org, u.total(), limit);
        } catch (RuntimeException e) {
            LOG.debug("storage level check failed", e);
        }
    }

    private void checkStorageLevel(OrgId org, long used, long limit) {
        // limit - floor(limit / 5) = ceil(80 % of limit), without overflow.
        int level = used >= limit ? 2 : used >= limit - limit / 5 ? 1 : 0;
        raiseStorageLevel(org, level, used, limit);
    }

    private void raiseStorageLevel(OrgId org, int level, long used, long limit) {
        AtomicInteger last = storageLevels.get(org, k -> new AtomicInteger());
        int prev = last.getAndSet(level);
        if (prev < 1 && level >= 1) {
            alerts.offer(new QuotaAlert(QuotaAlert.Type.STORAGE_NEARING, org, "storage", used, limit));
        }
        if (prev < 2 && level == 2) {
            alerts.offer(new QuotaAlert(QuotaAlert.Type.STORAGE_FULL, org, "storage", used, limit));
        }
    }

    /**
     * Recomputes every org's usage as the sum of the size column of the registered tables, org by org, and expires
     * reservations older than the reservation timeout (those of crashed instances).
     *
     * @return the number of orgs reconciled
     */
    public int reconcileStorage() {
        int n = 0;
        String after = null;
        while (true) {
            String from = after;
            List<OrgId> orgs = database.inTransaction(tx -> ledger.orgs(tx, from, PAGE));
            for (OrgId org : orgs) {
                reconcile(org);
                n++;
            }
            if (orgs.size() < PAGE) {
                return n;
            }
            after = orgs.get(orgs.size() - 1).value();
        }
    }

    private void reconcile(OrgId org) {
        long before = micros(clock.instant().minus(reservationTimeout));
        database.inTransaction(tx -> {
            // The row lock orders this against commits: a commit's insert is either in the sum or adds after it.
            StorageLedger.Usage u = ledger.lock(tx, org);
            long expired = ledger.expireReservations(tx, org, before);
            long sum = 0;
            for (EventTable t : tables) {
                sum += ledger.sumSize(tx, t, org);
            }
            if (sum != u.used() || expired != 0) {
                LOG.debug("storage drift of {} bytes reconciled for an org", sum - u.used());
            }
            ledger.set(tx, org, sum, Math.max(0, u.reserved() - expired));
            return null;
        });
        afterStorageChange(org);
    }

    // ------------------------------------------------------------------------------------------ retention

    /**
     * Deletes, org by org, the events older than each org's retention from every registered table, in batches of
     * at most the retention batch size, each batch in its own tenant-session transaction; lowers usage by the deleted
     * sizes and audits {@code retention.delete} (actor system, details events, bytes, table, cutoff) per org and table
     * that lost events.
     */
    public RetentionResult runRetention() {
        long orgCount = 0;
        long events = 0;
        long bytes = 0;
        String after = null;
        while (true) {
            String from = after;
            List<LimitsRepository.Row> rows = database.inTransaction(tx -> limitsRepo.withRetention(tx, from, PAGE));
            for (LimitsRepository.Row r : rows) {
                Instant cutoff = clock.instant().minus(Duration.ofDays(Objects.requireNonNull(r.limits().retentionDays())));
                for (EventTable t : tables) {
                    StorageLedger.Deleted d = deleteAll(r.org(), t, cutoff, null);
                    if (d.events() > 0) {
                        auditLog.record(AuditRecord.builder(r.org(), "retention.delete", AuditContext.system("retention"))
                                .target(t.table()).detail("events", d.events()).detail("bytes", d.bytes())
                                .detail("table", t.table()).detail("cutoff", cutoff.toString()).build());
                        events += d.events();
                        bytes += d.bytes();
                    }
                }
                afterStorageChange(r.org());
                orgCount++;
            }
            if (rows.size() < PAGE) {
                return new RetentionResult(orgCount, events, bytes);
            }
            after = rows.get(rows.size() - 1).org().value();
        }
    }

    /**
     * Deletes a stream's events of the caller's org from every registered table with a stream column, now, in
     * bounded batches; lowers usage and audits {@code stream.delete} (target the stream, details events and bytes).
     *
     * @return the number of events deleted (0 when the stream holds none)
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} below admin or without the admin scope (audited as
     *         denied); {@link ErrorCode#INVALID_INPUT} for a stream name not matching {@code [A-Za-z0-9_-]{1,64}};
     *         {@link ErrorCode#UNAVAILABLE} on a database failure (batches already deleted stay deleted and are
     *         accounted)
     */
    public long deleteStream(Principal caller, AuditContext ctx, String stream) {
        Objects.requireNonNull(stream, "stream");
        OrgId org = caller.org();
        if (!STREAM.matcher(stream).matches()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid stream name");
        }
        try {
            caller.require(Role.ADMIN, Scope.ADMIN);
        } catch (MoleSignalException e) {
            auditLog.record(AuditRecord.builder(org, "stream.delete", ctx).target(stream)
                    .outcome(Outcome.DENIED, e.httpStatus()).detail("stream", stream).build());
            throw e;
        }
        long events = 0;
        long bytes = 0;
        for (EventTable t : tables) {
            if (t.streamColumn() != null) {
                StorageLedger.Deleted d = deleteAll(org, t, null, stream);
                events += d.events();
                bytes += d.bytes();
            }
        }
        auditLog.record(AuditRecord.builder(org, "stream.delete", ctx).target(stream).outcome(Outcome.SUCCESS, 204)
                .detail("stream", stream).detail("events", events).detail("bytes", bytes).build());
        afterStorageChange(org);
        return events;
    }

    private StorageLedger.Deleted deleteAll(OrgId org, EventTable t, @Nullable Instant cutoff, @Nullable String stream) {
        long events = 0;
        long bytes = 0;
        while (true) {
            StorageLedger.Deleted d = tenantSession.run(org,
                    tx -> ledger.deleteBatch(tx, t, org, cutoff, stream, retentionBatch));
            if (d.events() == 0) {
                return new StorageLedger.Deleted(events, bytes);
            }
            // Its own transaction: the tenant role of the delete has no business with the usage table. A crash in
            // between leaves usage too high until the next reconciliation (never too low).
            database.inTransaction(tx -> {
                ledger.add(tx, org, -d.bytes(), 0);
                return null;
            });
            events += d.events();
            bytes += d.bytes();
            if (d.events() < retentionBatch) {
                return new StorageLedger.Deleted(events, bytes);
            }
        }
    }

    // -------------------------------------------------------------------------------------------- plumbing

    /** A snapshot of the counters (sums over the orgs in memory: O(orgs), for a scrape, not per decision). */
    public QuotaMetrics metrics() {
        long admitted = allowed.sum() + evictedAllowed.sum();
        for (OrgState st : states.asMap().values()) {
            // The eviction listener marks a state evicted before it adds its count to evictedAllowed, and the state
            // stays in the cache's view until the listener returns: once marked, it is counted there, not here
            // (a scrape reading evictedAllowed after the add would otherwise count it twice, for good, below).
            if (!st.evicted()) {
                admitted += st.admitted();
            }
        }
        // A state Caffeine has expired drops out of its view before the eviction listener adds its count to
        // evictedAllowed (and a state being evicted is skipped above before its count is added): the sum can dip for
        // a moment. The counter reported never goes down.
        admitted = admittedReported.accumulateAndGet(admitted, Math::max);
        return new QuotaMetrics(admitted, rejected.sum(), storageRejected.sum(), states.estimatedSize(),
                evictionsWithCredit.sum(), distributed == null ? 0 : distributed.storeErrors(),
                distributed != null && distributed.degraded(), alerts.dropped());
    }

    /** Runs pending cache maintenance (expiry) now; for tests on a fake ticker. */
    public void cleanUp() {
        advanceCoarse(ticker.read(), 1);
        states.cleanUp();
    }

    private void onEviction(@Nullable OrgId org, @Nullable OrgState st, RemovalCause cause) {
        if (st == null) {
            return;
        }
        st.markEvicted(); // before a new state for the org can be loaded: the front never serves this one again
        evictedAllowed.add(st.admitted()); // (a decision already past the lookup may still add one, uncounted)
        if (cause == RemovalCause.SIZE && !st.full(ticker.read())) {
            evictionsWithCredit.increment();
            alerts.offer(new QuotaAlert(QuotaAlert.Type.STATE_EVICTED_WITH_CREDIT, OrgId.META, "state", 0, 0));
        }
    }

    private static long micros(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    private static Runnable guard(String what, Runnable job) {
        return () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.warn("quota {} failed: {}", what, e.toString());
            }
        };
    }

    /** Stops the background jobs and the alert thread (delivering queued alerts) and closes the distributed store. */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        alerts.close();
        if (distributed != null) {
            distributed.store().close();
        }
    }

    private final class IdleExpiry implements Expiry<OrgId, OrgState> {
        private long idle(OrgState st) {
            return st.idleNanos(instances) + GRACE_NANOS;
        }

        @Override
        public long expireAfterCreate(OrgId key, OrgState value, long currentTime) {
            return idle(value);
        }

        @Override
        public long expireAfterUpdate(OrgId key, OrgState value, long currentTime, long currentDuration) {
            return idle(value);
        }

        @Override
        public long expireAfterRead(OrgId key, OrgState value, long currentTime, long currentDuration) {
            return idle(value);
        }
    }

    /** Builds a {@link QuotaGovernor}; every setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final Database database;
        private final AuditLog auditLog;
        private Ticker ticker = Ticker.system();
        private Clock clock = Clock.systemUTC();
        private @Nullable TenantSession tenantSession;
        private final List<EventTable> tables = new ArrayList<>();
        private AlertSink alertSink = AlertSink.logging();
        private int alertQueue = 1024;
        private long maxOrgs = 1_000_000;
        private @Nullable RateStore store;
        private int instances = 1;
        private long leaseTokens;
        private Duration leaseTtl = Duration.ofSeconds(1);
        private boolean failOpen;
        private @Nullable Ticker storeTime;
        private boolean background = true;
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration reconcileInterval = Duration.ofMinutes(5);
        private Duration retentionInterval = Duration.ofHours(1);
        private int retentionBatch = 1000;
        private Duration reservationTimeout = Duration.ofMinutes(10);

        private Builder(Database database, AuditLog auditLog) {
            this.database = Objects.requireNonNull(database, "database");
            this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
        }

        /** The monotonic time source of the rate buckets and the state expiry (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Wall time for retention cutoffs and reservation ages (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The tenant session that retention and stream deletion run in (default: plain transactions, no RLS). */
        public Builder tenantSession(TenantSession session) {
            if (this.tenantSession != null) {
                throw new IllegalStateException("tenantSession already set");
            }
            this.tenantSession = Objects.requireNonNull(session, "session");
            return this;
        }

        /** Registers a table that holds events. @throws IllegalStateException when the table is already registered */
        public Builder eventTable(EventTable table) {
            Objects.requireNonNull(table, "table");
            for (EventTable t : tables) {
                if (t.table().equals(table.table())) {
                    throw new IllegalStateException("event table " + table.table() + " already registered");
                }
            }
            tables.add(table);
            return this;
        }

        /** Where alerts go (default {@link AlertSink#logging()}). */
        public Builder alertSink(AlertSink sink) {
            this.alertSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Alerts queued for a slow sink before new ones are dropped (default 1024), 1..1,000,000. */
        public Builder alertQueue(int capacity) {
            if (capacity < 1 || capacity > 1_000_000) {
                throw new IllegalArgumentException("alertQueue must be in 1..1000000");
            }
            this.alertQueue = capacity;
            return this;
        }

        /** The most orgs with rate state in memory (default 1,000,000), at least 1. */
        public Builder maxOrgs(long maxOrgs) {
            if (maxOrgs < 1) {
                throw new IllegalArgumentException("maxOrgs must be >= 1");
            }
            this.maxOrgs = maxOrgs;
            return this;
        }

        /**
         * Turns on the distributed mode with a shared store and the number of app instances N (used for the local
         * share while the store is unreachable). The governor closes the store.
         */
        public Builder distributed(RateStore store, int instances) {
            if (this.store != null) {
                throw new IllegalStateException("distributed store already set");
            }
            if (instances < 1 || instances > 10_000) {
                throw new IllegalArgumentException("instances must be in 1..10000");
            }
            this.store = Objects.requireNonNull(store, "store");
            this.instances = instances;
            return this;
        }

        /**
         * The time the shared buckets of the distributed mode are computed on, instead of the store's own clock
         * (default: none, the store's clock — PostgreSQL {@code clock_timestamp()}, Redis {@code TIME} — one time
         * authority, the safe choice for instances whose monotonic tickers are unrelated, as on different hosts).
         * With a source, each take sends its reading (nanoseconds, sent as microseconds) to the store. <b>Every
         * instance sharing the store must read the same time base</b> (the same object in tests, or a wall clock
         * synchronised across hosts): readings from unrelated time bases, or a mix with instances on the store's
         * clock, void the over-admission bound. A reading earlier than the bucket's last one only delays refills
         * (GCRA never mints tokens for a clock going backwards). The store must support
         * {@link RateStore#take(OrgId, QuotaKind, long, long, long, long, long)} (both built-in stores do); Redis
         * keys still expire on Redis' clock after the bucket's fill time, so the source should run at real speed
         * in production.
         */
        public Builder distributedTime(Ticker sharedTime) {
            this.storeTime = Objects.requireNonNull(sharedTime, "sharedTime");
            return this;
        }

        /** The lease size k of the distributed mode (0 = default max(1, min(burst/2N, rate/20))). */
        public Builder leaseTokens(long tokens) {
            if (tokens < 0 || tokens > QuotaLimits.MAX_BURST) {
                throw new IllegalArgumentException("leaseTokens must be in 0..1e9");
            }
            this.leaseTokens = tokens;
            return this;
        }

        /** How long leased tokens stay usable (default 1 s), 1 ms..1 min. */
        public Builder leaseTtl(Duration ttl) {
            if (ttl.compareTo(Duration.ofMillis(1)) < 0 || ttl.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("leaseTtl must be between 1 ms and 1 min");
            }
            this.leaseTtl = ttl;
            return this;
        }

        /**
         * INSECURE: admit everything while the distributed store is unreachable, instead of the local share
         * (limit ÷ N). Off by default.
         */
        public Builder allowInsecureFailOpen(boolean allow) {
            this.failOpen = allow;
            return this;
        }

        /** Whether to run the limit poll, reconciliation and retention on a thread of the governor (default true). */
        public Builder backgroundJobs(boolean run) {
            this.background = run;
            return this;
        }

        /** How often other instances' limit changes are polled (default 500 ms), 10 ms..1 s. */
        public Builder pollInterval(Duration interval) {
            if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("pollInterval must be between 10 ms and 1 s");
            }
            this.pollInterval = interval;
            return this;
        }

        /** How often usage is reconciled (default 5 min), at least 1 s. */
        public Builder reconcileInterval(Duration interval) {
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("reconcileInterval must be at least 1 s");
            }
            this.reconcileInterval = interval;
            return this;
        }

        /** How often retention runs (default 1 h), at least 1 s. */
        public Builder retentionInterval(Duration interval) {
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("retentionInterval must be at least 1 s");
            }
            this.retentionInterval = interval;
            return this;
        }

        /** Events deleted per retention or stream-deletion transaction (default 1000), 1..100,000. */
        public Builder retentionBatch(int events) {
            if (events < 1 || events > 100_000) {
                throw new IllegalArgumentException("retentionBatch must be in 1..100000");
            }
            this.retentionBatch = events;
            return this;
        }

        /** Age after which an unsettled reservation is expired by the reconciler (default 10 min), at least 1 min. */
        public Builder reservationTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("reservationTimeout must be at least 1 min");
            }
            this.reservationTimeout = timeout;
            return this;
        }

        /**
         * Builds the governor and starts its threads.
         *
         * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when the database cannot be read
         */
        public QuotaGovernor build() {
            return new QuotaGovernor(this);
        }
    }
}
