package io.molesignal.core.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.Ticker;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.ActorType;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditEntry;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditPage;
import io.molesignal.core.audit.AuditQuery;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.db.Database;
import io.molesignal.core.testing.FakeTicker;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDb;

/**
 * What the {@link QuotaGovernor} guarantees on a real database; {@code QuotaGovernorH2IT} and
 * {@code QuotaGovernorPostgresIT} run it on H2 and PostgreSQL. Time is a fake ticker and a mutable clock.
 */
abstract class QuotaGovernorContract {
    static final OrgId ACME = OrgId.of("acme");
    static final OrgId BETA = OrgId.of("beta");
    static final Principal ROOT = new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "j-root", Set.of());
    static final AuditContext ROOT_CTX = new AuditContext(new Actor(ActorType.USER, "root", "root@ms.test"), "r-1",
            null);

    protected TestDb db;
    protected AuditLog audit;
    protected final FakeTicker ticker = new FakeTicker();
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    protected final RecordingSink sink = new RecordingSink();
    protected QuotaGovernor governor;
    protected final List<AutoCloseable> closeLater = new ArrayList<>();

    protected abstract TestDb openDatabase(String name);

    @BeforeEach
    void setUp() {
        db = openDatabase(getClass().getSimpleName());
        db.database().migrate("core");
        db.insertOrgs("acme", "beta");
        db.exec("CREATE TABLE ev (org_id VARCHAR(64) NOT NULL, stream VARCHAR(64) NOT NULL,"
                + " ts TIMESTAMP WITH TIME ZONE NOT NULL, size_bytes BIGINT NOT NULL)");
        db.exec("CREATE TABLE ev_nostream (org_id VARCHAR(64) NOT NULL, ts TIMESTAMP WITH TIME ZONE NOT NULL,"
                + " size_bytes BIGINT NOT NULL)");
        audit = AuditLog.builder(db.database()).ticker(ticker).clock(clock).build();
        governor = newGovernor(db.database(), audit, sink);
    }

    protected QuotaGovernor newGovernor(Database database, AuditLog log, AlertSink alertSink) {
        QuotaGovernor g = QuotaGovernor.builder(database, log).ticker(ticker).clock(clock).alertSink(alertSink)
                .backgroundJobs(false).retentionBatch(7)
                .eventTable(EventTable.of("ev", "org_id", "ts", "size_bytes").withStreamColumn("stream"))
                .eventTable(EventTable.of("ev_nostream", "org_id", "ts", "size_bytes"))
                .build();
        closeLater.add(g);
        return g;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        audit.close();
        db.close();
    }

    static Principal editor(OrgId org) {
        return new Principal(org, "u-" + org.value(), Role.EDITOR, CredentialKind.JWT, "j-" + org.value(), Set.of());
    }

    static Principal admin(OrgId org) {
        return new Principal(org, "a-" + org.value(), Role.ADMIN, CredentialKind.JWT, "ja-" + org.value(), Set.of());
    }

    protected void setLimits(OrgId org, QuotaLimits limits) {
        governor.updateLimits(ROOT, ROOT_CTX, org, limits);
    }

    protected List<AuditEntry> entries(OrgId org, String action) {
        List<AuditEntry> out = new ArrayList<>();
        AuditQuery q = new AuditQuery(null, null, null, action, null, 1000, null);
        while (true) {
            AuditPage p = audit.query(admin(org), q);
            out.addAll(p.entries());
            if (p.nextCursor() == null) {
                return out;
            }
            q = q.withCursor(p.nextCursor());
        }
    }

    protected void insertEvent(DataSource ds, String table, OrgId org, String stream, Instant ts, long size)
            throws Exception {
        String sql = table.equals("ev") ? "INSERT INTO ev (org_id, stream, ts, size_bytes) VALUES (?, ?, ?, ?)"
                : "INSERT INTO ev_nostream (org_id, ts, size_bytes) VALUES (?, ?, ?)";
        try (var c = ds.getConnection(); var ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, org.value());
            if (table.equals("ev")) {
                ps.setString(i++, stream);
            }
            ps.setTimestamp(i++, Timestamp.from(ts));
            ps.setLong(i, size);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------------------------------------ rates

    @Test
    void thousandConcurrentCallsAtHundredPerSecondAdmitExactlyHundredThenRateTimesTimePlusBurst() throws Exception {
        setLimits(ACME, QuotaLimits.builder().ingestQps(100L).ingestBurst(100L).build());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            fs.add(pool.submit(() -> {
                start.await();
                if (governor.tryAcquireIngest(editor(ACME), 1).allowed()) {
                    admitted.incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(admitted).hasValue(100);
        // Ten more seconds of fake time, polled every millisecond: exactly 100 × 10 more.
        long more = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            ticker.advance(Duration.ofMillis(1));
            while (governor.tryAcquireIngest(editor(ACME), 1).allowed()) {
                more++;
            }
        }
        assertThat(admitted.get() + more).isEqualTo(100 * 10 + 100);
        // Another org is not affected.
        assertThat(governor.tryAcquireIngest(editor(BETA), 20_000).allowed()).isTrue();
        assertThat(governor.metrics().allowed()).isEqualTo(100 * 10 + 100 + 1);
    }

    @Test
    void tenThousandRejectionsInOneSecondAreAuditedWithExactCountsAndAlertedOnce() throws Exception {
        setLimits(ACME, QuotaLimits.builder().queryQps(1L).queryBurst(1L).build());
        assertThat(governor.tryAcquireQuery(editor(ACME)).allowed()).isTrue();
        for (int i = 0; i < 10_000; i++) {
            RateDecision d = governor.tryAcquireQuery(editor(ACME));
            assertThat(d.allowed()).isFalse();
            assertThat(d.code()).isEqualTo(ErrorCode.QUOTA_QUERY_RATE);
            if (i % 1000 == 0) {
                ticker.advance(Duration.ofMillis(90)); // 10 × 90 ms < 1 s: still refused
            }
        }
        governor.close();
        audit.close();
        List<AuditEntry> rejects = entries(ACME, "quota.reject");
        assertThat(rejects).isNotEmpty().allMatch(e -> e.target().equals("query") && e.outcome() == Outcome.DENIED
                && e.status() == 429);
        assertThat(rejects.stream().mapToLong(AuditEntry::count).sum()).isEqualTo(10_000);
        assertThat(rejects.size()).isLessThanOrEqualTo(3);
        assertThat(sink.count(QuotaAlert.Type.RATE_REJECTING)).isEqualTo(1);
        assertThat(sink.alerts).filteredOn(a -> a.type() == QuotaAlert.Type.RATE_REJECTING)
                .allMatch(a -> a.org().equals(ACME) && a.quota().equals("query"));
        assertThat(governor.metrics().rejected()).isEqualTo(10_000);
    }

    @Test
    void aNewEpisodeAfterSixtyQuietSecondsAlertsAgain() throws Exception {
        setLimits(ACME, QuotaLimits.builder().queryQps(1L).queryBurst(1L).build());
        governor.tryAcquireQuery(editor(ACME));
        governor.tryAcquireQuery(editor(ACME));
        governor.tryAcquireQuery(editor(ACME));
        ticker.advance(Duration.ofSeconds(61));
        governor.tryAcquireQuery(editor(ACME));
        governor.tryAcquireQuery(editor(ACME));
        sink.await(QuotaAlert.Type.RATE_REJECTING, 2);
        assertThat(sink.count(QuotaAlert.Type.RATE_REJECTING)).isEqualTo(2);
    }

    @Test
    void aThrowingOrHangingSinkDoesNotSlowOrBreakDecisions() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        QuotaGovernor hanging = newGovernor(db.database(), audit, a -> {
            calls.incrementAndGet();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        QuotaGovernor throwing = newGovernor(db.database(), audit, a -> {
            throw new IllegalStateException("sink down");
        });
        setLimits(ACME, QuotaLimits.builder().queryQps(1L).queryBurst(1L).build());
        setLimits(BETA, QuotaLimits.builder().queryQps(1L).queryBurst(1L).build());
        for (QuotaGovernor g : List.of(hanging, throwing)) {
            g.refreshLimits();
            int rounds = g == hanging ? 1100 : 50;
            for (int round = 0; round < rounds; round++) {
                // Each round starts a new episode (61 s without rejections), so the sink is called again and again.
                ticker.advance(Duration.ofSeconds(61));
                assertThat(g.tryAcquireQuery(editor(ACME)).allowed()).isTrue();
                assertThat(g.tryAcquireQuery(editor(ACME)).allowed()).isFalse();
            }
            assertThat(g.metrics().rejected()).isEqualTo(rounds);
        }
        // The hanging sink got one alert and holds the thread; the rest queued up to the bound, then were dropped.
        assertThat(calls).hasValue(1);
        assertThat(hanging.metrics().alertsDropped()).isGreaterThan(0);
        never.countDown();
    }

    @Test
    void aLimitLoweredAndRaisedTakesEffectOnTheNextCallHereAndOnAnotherInstance() throws Exception {
        QuotaGovernor other = newGovernor(db.database(), audit, sink);
        setLimits(ACME, QuotaLimits.builder().ingestQps(1000L).ingestBurst(1000L).build());
        other.refreshLimits();
        assertThat(governor.tryAcquireIngest(editor(ACME), 500).allowed()).isTrue();
        assertThat(other.tryAcquireIngest(editor(ACME), 500).allowed()).isTrue();

        setLimits(ACME, QuotaLimits.builder().ingestQps(10L).ingestBurst(10L).build());
        // This instance at once, the other on its next poll (the background poller runs every 500 ms).
        assertThat(other.refreshLimits()).isEqualTo(1);
        for (QuotaGovernor g : List.of(governor, other)) {
            // 500 events of debt, clamped to the new burst of 10: an empty bucket under the new policy.
            RateDecision d = g.tryAcquireIngest(editor(ACME), 1);
            assertThat(d.allowed()).isFalse();
            assertThat(d.limit()).isEqualTo(10);
            assertThat(d.retryAfter()).contains(Duration.ofMillis(100));
        }
        ticker.advance(Duration.ofMillis(500));
        for (QuotaGovernor g : List.of(governor, other)) {
            assertThat(g.tryAcquireIngest(editor(ACME), 5).allowed()).isTrue();
            assertThat(g.tryAcquireIngest(editor(ACME), 1).allowed()).isFalse();
        }

        setLimits(ACME, QuotaLimits.builder().ingestQps(1000L).ingestBurst(1000L).build());
        other.refreshLimits();
        for (QuotaGovernor g : List.of(governor, other)) {
            // Raised: the debt of 10 events carries over, the other 990 are there on the next call.
            assertThat(g.tryAcquireIngest(editor(ACME), 990).allowed()).isTrue();
            assertThat(g.tryAcquireIngest(editor(ACME), 1).allowed()).isFalse();
        }
    }

    @Test
    void theBackgroundPollerOfAnotherInstanceAppliesAChangeWithoutBeingAsked() throws Exception {
        QuotaGovernor polling = QuotaGovernor.builder(db.database(), audit).ticker(ticker).clock(clock)
                .alertSink(sink).pollInterval(Duration.ofMillis(50)).reconcileInterval(Duration.ofHours(1))
                .retentionInterval(Duration.ofHours(1)).build();
        closeLater.add(polling);
        assertThat(polling.tryAcquireQuery(editor(ACME)).limit()).isEqualTo(100);
        setLimits(ACME, QuotaLimits.builder().queryQps(3L).queryBurst(3L).build());
        // Asynchronous: wait (bounded) for the poller, then check the effect; no assertion on how long it took.
        long limit = 0;
        for (int i = 0; i < 500 && limit != 3; i++) {
            Thread.sleep(10);
            limit = polling.tryAcquireQuery(editor(ACME)).limit();
        }
        assertThat(limit).isEqualTo(3);
    }

    @Test
    void concurrentLiveChangesNeverLeaveStaleCredit() throws Exception {
        setLimits(ACME, QuotaLimits.builder().queryQps(50L).queryBurst(50L).build());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger admitted = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 2000; i++) {
                    if (governor.tryAcquireQuery(editor(ACME)).allowed()) {
                        admitted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        fs.add(pool.submit(() -> {
            for (int i = 1; i <= 20; i++) {
                setLimits(ACME, QuotaLimits.builder().queryQps(i % 2 == 0 ? 5L : 50L)
                        .queryBurst(i % 2 == 0 ? 5L : 50L).build());
            }
            return null;
        }));
        for (Future<?> f : fs) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        // The fake ticker never moved. Each of the 10 raises to burst 50 may add at most 50 - 0 tokens of room, on top
        // of the first 50; and once the last change (lowered to burst 5) is in, at most 5 are left.
        assertThat(admitted.get()).isBetween(1, 50 + 10 * 50);
        int after = 0;
        while (governor.tryAcquireQuery(editor(ACME)).allowed()) {
            after++;
        }
        assertThat(after).isBetween(0, 5);
        assertThat(governor.tryAcquireQuery(editor(ACME)).limit()).isEqualTo(5);
    }

    @Test
    void unlimitedQuotasAdmitWithoutHeadersAndCostAboveBurstIs413() {
        setLimits(ACME, QuotaLimits.builder().ingestQps(null).queryQps(2L).build());
        RateDecision d = governor.tryAcquireIngest(editor(ACME), 1_000_000);
        assertThat(d.allowed()).isTrue();
        assertThat(d.isUnlimited()).isTrue();
        assertThat(d.rateLimitPolicy()).isEmpty();
        // Defaults: burst 20000 for ingest.
        RateDecision big = governor.tryAcquireIngest(editor(BETA), 20_001);
        assertThat(big.code()).isEqualTo(ErrorCode.QUOTA_INGEST_BATCH);
        assertThat(big.retryAfterHeader()).isEmpty();
        assertThat(governor.tryAcquireIngest(editor(BETA), 20_000).allowed()).isTrue();
        assertThat(governor.tryAcquireQuery(editor(ACME)).rateLimitPolicy()).contains("\"query\";q=4;w=2");
        assertThatThrownBy(() -> governor.tryAcquireIngest(editor(ACME), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The governor's front is direct-mapped by the org name's hash: two orgs in one slot, and principals whose OrgId
     * objects are equal but distinct (another token of the same org), each keep exactly their own bucket.
     */
    @Test
    void orgsSharingAFrontSlotAndEqualOrgIdObjectsEachKeepTheirOwnBucket() {
        String twinName = null;
        for (int i = 0; twinName == null; i++) {
            String candidate = "twin" + i;
            if (frontSlot(candidate) == frontSlot("acme")) {
                twinName = candidate;
            }
        }
        db.insertOrgs(twinName);
        OrgId twin = OrgId.of(twinName);
        setLimits(ACME, QuotaLimits.builder().queryQps(1L).queryBurst(5L).build());
        setLimits(twin, QuotaLimits.builder().queryQps(1L).queryBurst(7L).build());
        Principal acmeCached = editor(ACME);
        Principal twinCached = editor(twin);
        int acme = 0;
        int other = 0;
        for (int i = 0; i < 60; i++) {
            Principal a = i % 2 == 0 ? acmeCached : editor(OrgId.of("acme"));
            if (governor.tryAcquireQuery(a).allowed()) {
                acme++;
            }
            Principal t = i % 3 == 0 ? twinCached : editor(OrgId.of(twinName));
            if (governor.tryAcquireQuery(t).allowed()) {
                other++;
            }
        }
        assertThat(acme).isEqualTo(5);
        assertThat(other).isEqualTo(7);
    }

    /** The governor's front slot of an org name (its 4,096-slot direct map). */
    private static int frontSlot(String org) {
        int h = org.hashCode();
        return (h ^ (h >>> 16)) & 4095;
    }

    /**
     * {@code allowed} is a counter for the host's metrics (a Prometheus counter that drops reads as a reset): it
     * never goes down, also while an expired org's state is between Caffeine's view and the evicted-count.
     */
    @Test
    void theAdmittedCountNeverGoesDownWhileIdleStatesExpire() {
        long last = governor.metrics().allowed();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 3; i++) {
                governor.tryAcquireQuery(editor(ACME));
            }
            long now = governor.metrics().allowed();
            assertThat(now).isGreaterThanOrEqualTo(last);
            last = now;
            ticker.advance(Duration.ofMinutes(5)); // acme's state expires in Caffeine's view...
            governor.tryAcquireQuery(editor(BETA)); // ...once a lookup moves the cache's clock; eviction may lag
            now = governor.metrics().allowed();
            assertThat(now).isGreaterThanOrEqualTo(last);
            last = now;
            ticker.advance(Duration.ofMinutes(5));
            governor.cleanUp();
        }
        assertThat(governor.metrics().allowed()).isEqualTo(20 * 4);
    }

    /**
     * A limit change that another instance committed, polled while this instance is loading the org's state (the
     * load read the row before the change), must reach the loaded state: otherwise the poll has already moved past
     * the change and the state keeps the old limits for as long as the org stays busy. The load is held after its
     * read (its transaction's commit) until the poll is done, or is blocked waiting for the load.
     */
    @Test
    void aLimitChangePolledWhileTheOrgsStateIsLoadingReachesTheLoadedState() throws Exception {
        setLimits(ACME, QuotaLimits.builder().queryQps(1L).queryBurst(1000L).build());
        AtomicReference<Thread> loading = new AtomicReference<>();
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DataSource ds = db.dataSource();
        DataSource hooked = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, m, args) -> {
                    Object r = call(m, ds, args);
                    if (!m.getName().equals("getConnection") || Thread.currentThread() != loading.get()) {
                        return r;
                    }
                    Connection c = (Connection) r;
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                            (p2, m2, a2) -> {
                                Object out = call(m2, c, a2);
                                if (m2.getName().equals("commit") && read.getCount() > 0) {
                                    read.countDown(); // the load's row is read (old limits)
                                    assertThat(release.await(1, TimeUnit.MINUTES)).isTrue();
                                }
                                return out;
                            });
                });
        QuotaGovernor g = newGovernor(Database.of(hooked), audit, sink); // lastSeq: the change above is known
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<RateDecision> first = pool.submit(() -> {
            loading.set(Thread.currentThread());
            return g.tryAcquireQuery(editor(ACME));
        });
        assertThat(read.await(1, TimeUnit.MINUTES)).isTrue();
        setLimits(ACME, QuotaLimits.builder().queryQps(1L).queryBurst(1L).build()); // committed by another instance
        AtomicReference<Thread> poller = new AtomicReference<>();
        Future<Integer> poll = pool.submit(() -> {
            poller.set(Thread.currentThread());
            return g.refreshLimits();
        });
        // Release the load once the poll is done, or is blocked applying the change (waiting for the load).
        while (!poll.isDone() && !blockedIn(poller.get(), "applyLimits")) {
            Thread.sleep(1);
        }
        release.countDown();
        assertThat(poll.get(1, TimeUnit.MINUTES)).isEqualTo(1);
        assertThat(first.get(1, TimeUnit.MINUTES).allowed()).isTrue();
        pool.shutdown();
        assertThat(g.refreshLimits()).isZero(); // nothing new to poll: the change must already be in the state
        RateDecision d = g.tryAcquireQuery(editor(ACME));
        assertThat(d.limit()).isEqualTo(1);
        assertThat(d.allowed()).isFalse(); // the first decision's token, carried over to the burst of 1
    }

    private static Object call(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static boolean blockedIn(Thread t, String method) {
        if (t == null || t.getState() != Thread.State.BLOCKED && t.getState() != Thread.State.WAITING) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A scrape that runs while Caffeine evicts a state (here forced: inside the eviction listener, where the evicted
     * state's count is already in the evicted total but the state is still in the cache's view) must not count that
     * state twice: {@code allowed} never goes down, so a double count would stay reported until as many more
     * decisions were admitted.
     */
    @Test
    void aScrapeDuringAnEvictionDoesNotCountTheEvictedStateTwice() {
        long[] inListener = {0};
        Runnable[] scrape = {null};
        Ticker hooked = () -> {
            if (scrape[0] != null && StackWalker.getInstance()
                    .walk(s -> s.anyMatch(f -> f.getMethodName().equals("onEviction")))) {
                Runnable r = scrape[0];
                scrape[0] = null;
                r.run();
            }
            return ticker.read();
        };
        QuotaGovernor one = QuotaGovernor.builder(db.database(), audit).ticker(hooked).clock(clock).alertSink(sink)
                .backgroundJobs(false).maxOrgs(1).build();
        closeLater.add(one);
        scrape[0] = () -> inListener[0] = one.metrics().allowed();
        for (int i = 0; i < 3; i++) {
            assertThat(one.tryAcquireQuery(editor(ACME)).allowed()).isTrue();
        }
        assertThat(one.tryAcquireQuery(editor(BETA)).allowed()).isTrue(); // BETA pushes ACME out (one org max)
        one.cleanUp();
        assertThat(scrape[0]).as("the scrape ran inside the eviction listener").isNull();
        assertThat(inListener[0]).isBetween(1L, 4L);
        assertThat(one.metrics().allowed()).isEqualTo(4);
    }

    /**
     * A decision that read the org's limits just before a change must not be decided under the old limits once the
     * bucket has seen the new ones. The interleaving is forced on one thread: the decision's first ticker reading is
     * behind the bucket's, so the bucket reads the ticker again after its state, and that read lowers the limit and
     * runs another decision under the new one. The first decision's commit then fails, and its retry sees newer
     * parameters than the ones it was given.
     */
    @Test
    void aDecisionInFlightDuringALoweringGetsNoCreditFromTheOldLimit() {
        long t = 5_000_000_000L;
        long[] readings = {t - 1, t};
        int[] reads = {0};
        Runnable[] hook = {null};
        Ticker scripted = () -> {
            int i = reads[0]++;
            if (i == 1 && hook[0] != null) {
                Runnable h = hook[0];
                hook[0] = null;
                h.run();
            }
            return i < readings.length ? readings[i] : t;
        };
        QuotaGovernor g = QuotaGovernor.builder(db.database(), audit).ticker(scripted).clock(clock).alertSink(sink)
                .backgroundJobs(false).build();
        closeLater.add(g);
        g.updateLimits(ROOT, ROOT_CTX, ACME, QuotaLimits.builder().ingestQps(1L).ingestBurst(1000L).build());
        reads[0] = readings.length; // reads return t from here
        assertThat(g.tryAcquireIngest(editor(ACME), 1).allowed()).isTrue(); // the bucket's reading is now t
        hook[0] = () -> {
            g.updateLimits(ROOT, ROOT_CTX, ACME, QuotaLimits.builder().ingestQps(1L).ingestBurst(10L).build());
            assertThat(g.tryAcquireIngest(editor(ACME), 1).allowed()).isTrue(); // under the new limits
        };
        reads[0] = 0;
        RateDecision d = g.tryAcquireIngest(editor(ACME), 500);
        assertThat(hook[0]).as("the interleaving ran").isNull();
        assertThat(d.allowed()).isFalse();
        assertThat(d.limit()).isEqualTo(10);
        assertThat(d.code()).isEqualTo(ErrorCode.QUOTA_INGEST_BATCH); // 500 > the new burst of 10
        // Under the new limits: 2 tokens of debt carried over, so 8 are left.
        long n = 0;
        while (g.tryAcquireIngest(editor(ACME), 1).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(8);
    }

    @Test
    void idleEvictionHandsNoExtraTokens() {
        setLimits(ACME, QuotaLimits.builder().queryQps(100L).queryBurst(100L).build());
        long n = 0;
        while (governor.tryAcquireQuery(editor(ACME)).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(100);
        ticker.advance(Duration.ofMillis(500));
        governor.cleanUp();
        // Not full yet: the state must still be there and give exactly the 50 refilled tokens.
        n = 0;
        while (governor.tryAcquireQuery(editor(ACME)).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(50);
        long before = governor.metrics().stateEntries();
        // Idle far longer than the slowest fill time (ingest default: 2 s) plus grace: evicted, and a fresh state
        // is a full bucket, exactly what the old one would have been.
        ticker.advance(Duration.ofMinutes(5));
        governor.cleanUp();
        assertThat(governor.metrics().stateEntries()).isLessThan(before);
        n = 0;
        while (governor.tryAcquireQuery(editor(ACME)).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(100);
        assertThat(governor.metrics().evictionsWithCredit()).isZero();
        // The admitted count keeps the evicted state's decisions.
        assertThat(governor.metrics().allowed()).isEqualTo(100 + 50 + 100);
    }

    @Test
    void theTickerJumpingBackAnHourAdmitsNothingExtraAndForwardsAtMostTheBurst() {
        // Through the governor (state lookup, its front and the cache's coarse clock), not only the bare bucket.
        setLimits(ACME, QuotaLimits.builder().queryQps(10L).queryBurst(20L).build());
        long n = 0;
        while (governor.tryAcquireQuery(editor(ACME)).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(20);
        ticker.advance(Duration.ofHours(-1));
        governor.cleanUp(); // expiry runs with the ticker behind (the cache's clock stays where it was)
        for (int i = 0; i < 1000; i++) {
            assertThat(governor.tryAcquireQuery(editor(ACME)).allowed()).isFalse();
        }
        // The bucket was clamped to empty at the backwards reading and refills at the rate from there.
        ticker.advance(Duration.ofMillis(500));
        n = 0;
        while (governor.tryAcquireQuery(editor(ACME)).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(5);
        // Forwards by a day: a full bucket, never more than the burst.
        ticker.advance(Duration.ofDays(1));
        governor.cleanUp();
        n = 0;
        for (int i = 0; i < 1000; i++) {
            n += governor.tryAcquireQuery(editor(ACME)).allowed() ? 1 : 0;
        }
        assertThat(n).isEqualTo(20);
        assertThat(governor.metrics().evictionsWithCredit()).isZero();
    }

    @Test
    void aCacheReadWhileTheTickerIsBehindNeverExpiresABucketThatStillHasDebt() {
        // The cache's clock must never move back with the ticker: a read of the org's state at a backwards reading
        // (here a storage reservation, which touches no bucket) would set the entry's expiry from that earlier time,
        // so once the ticker is back the cache would drop a bucket drained a moment ago and hand out a fresh one.
        setLimits(ACME, QuotaLimits.builder().queryQps(100L).queryBurst(100L).build());
        long n = 0;
        while (governor.tryAcquireQuery(editor(ACME)).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(100);
        ticker.advance(Duration.ofSeconds(-30));
        governor.cleanUp();
        governor.reserveStorage(editor(ACME), 0).close();
        // Back to 60 ms after the drain: 6 tokens refilled, never a second burst.
        ticker.advance(Duration.ofSeconds(30).plusMillis(60));
        governor.cleanUp();
        n = 0;
        for (int i = 0; i < 1000; i++) {
            n += governor.tryAcquireQuery(editor(ACME)).allowed() ? 1 : 0;
        }
        assertThat(n).isEqualTo(6);
    }

    @Test
    void aBatchWithinTheBurstIsNeverA413WhileTheDistributedStoreIsDown() {
        // Burst 100 over 4 instances: the local share of an outage has a burst of 25. A batch of 40 is within the
        // org's policy (limit 100), so it may be refused for the rate (429 with a Retry-After) but never as "larger
        // than the burst" (413, no Retry-After: the client must not retry it as is).
        QuotaGovernor g = governorWithStoreDown();
        g.updateLimits(ROOT, ROOT_CTX, ACME, QuotaLimits.builder().ingestQps(100L).ingestBurst(100L).build());
        RateDecision d = g.tryAcquireIngest(editor(ACME), 40);
        assertThat(d.limit()).isEqualTo(100);
        assertThat(d.code()).isNotEqualTo(ErrorCode.QUOTA_INGEST_BATCH);
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfter()).isPresent();
        assertThat(g.metrics().storeDegraded()).isTrue();
        // Within the share: admitted as before.
        assertThat(g.tryAcquireIngest(editor(ACME), 25).allowed()).isTrue();
        assertThat(g.tryAcquireIngest(editor(ACME), 1).allowed()).isFalse();
    }

    @Test
    void anIdleOrgIsNotForgottenWhileItsOutageShareIsStillRefilling() {
        // Rate 7, burst 100 over 4 instances: the outage share is 1/s with burst 25, which takes 25 s to fill, longer
        // than the full limit's 14.3 s (+ 10 s grace). Forgetting the state at 24.5 s would hand out a full share
        // (25) where 24 have refilled.
        QuotaGovernor g = governorWithStoreDown();
        g.updateLimits(ROOT, ROOT_CTX, ACME, QuotaLimits.builder().ingestQps(7L).ingestBurst(100L).build());
        assertThat(g.tryAcquireIngest(editor(ACME), 25).allowed()).isTrue();
        assertThat(g.tryAcquireIngest(editor(ACME), 1).allowed()).isFalse();
        ticker.advance(Duration.ofMillis(24_500));
        g.cleanUp();
        long n = 0;
        while (g.tryAcquireIngest(editor(ACME), 1).allowed()) {
            n++;
        }
        assertThat(n).isEqualTo(24);
    }

    private QuotaGovernor governorWithStoreDown() {
        RateStore down = new RateStore() {
            @Override
            public Grant take(OrgId org, QuotaKind kind, long rate, long burst, long min, long max) {
                throw new IllegalStateException("store down");
            }

            @Override
            public String name() {
                return "down";
            }

            @Override
            public void close() {
            }
        };
        QuotaGovernor g = QuotaGovernor.builder(db.database(), audit).ticker(ticker).clock(clock).alertSink(sink)
                .backgroundJobs(false).distributed(down, 4).build();
        closeLater.add(g);
        return g;
    }

    @Test
    void anOrgInConstantUseIsNeverExpiredWhileItsBucketIsNotFull() {
        // Fill time 100 s (burst 100 at 1/s): the state may only go 110 s after its last use. Used 20 times per
        // second of fake time (all but the first of each second served by the front of the cache, without a Caffeine
        // read), for 5 minutes with expiry run every second: never dropped, so exactly rate x time + burst.
        setLimits(ACME, QuotaLimits.builder().queryQps(1L).queryBurst(100L).build());
        long admitted = 0;
        for (int s = 0; s <= 300; s++) {
            for (int i = 0; i < 20; i++) {
                admitted += governor.tryAcquireQuery(editor(ACME)).allowed() ? 1 : 0;
            }
            ticker.advance(Duration.ofSeconds(1));
            governor.cleanUp();
        }
        assertThat(admitted).isEqualTo(100 + 300);
        assertThat(governor.metrics().evictionsWithCredit()).isZero();
    }

    @Test
    void aStateEvictedForSizeIsNeverServedAgainFromTheFrontOfTheCache() {
        QuotaGovernor one = QuotaGovernor.builder(db.database(), audit).ticker(ticker).clock(clock).alertSink(sink)
                .backgroundJobs(false).maxOrgs(1).build();
        closeLater.add(one);
        assertThat(one.tryAcquireQuery(editor(ACME)).limit()).isEqualTo(100); // ACME's state, in the front too
        assertThat(one.tryAcquireQuery(editor(BETA)).allowed()).isTrue(); // BETA pushes ACME out (one org max)
        one.cleanUp(); // the fake time has not moved: ACME's front slot still carries the current time
        assertThat(one.metrics().evictionsWithCredit()).isEqualTo(1); // counted and alerted, as documented
        // A change of ACME's limits reaches no cached state (there is none) ...
        one.updateLimits(ROOT, ROOT_CTX, ACME, QuotaLimits.builder().queryQps(1L).queryBurst(1L).build());
        // ... and the next decision loads them: the evicted state (old limits) is not used from the front.
        RateDecision d = one.tryAcquireQuery(editor(ACME));
        assertThat(d.limit()).isEqualTo(1);
        assertThat(one.tryAcquireQuery(editor(ACME)).allowed()).isFalse();
    }

    // ----------------------------------------------------------------------------------------------- limits

    @Test
    void onlyThePlatformRootReadsAndChangesLimitsAndEveryAttemptIsAudited() {
        assertThat(governor.limits(editor(ACME))).isEqualTo(QuotaLimits.DEFAULTS);
        QuotaLimits l = QuotaLimits.builder().ingestQps(5L).storageBytes(1000L).retentionDays(30).build();
        Principal owner = new Principal(ACME, "o", Role.OWNER, CredentialKind.JWT, "jo", Set.of());
        assertThatThrownBy(() -> governor.updateLimits(owner, ROOT_CTX, ACME, l))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> governor.limitsOf(owner, BETA))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(governor.limits(editor(ACME))).isEqualTo(QuotaLimits.DEFAULTS);
        governor.updateLimits(ROOT, ROOT_CTX, ACME, l);
        assertThat(governor.limitsOf(ROOT, ACME)).isEqualTo(l);
        assertThat(governor.limits(editor(ACME)).ingestBurst()).isEqualTo(10L);
        assertThat(governor.limits(editor(BETA))).isEqualTo(QuotaLimits.DEFAULTS);
        assertThatThrownBy(() -> governor.updateLimits(ROOT, ROOT_CTX, OrgId.of("nosuch"), l))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        List<AuditEntry> es = entries(ACME, "org.quotas.update");
        assertThat(es).extracting(AuditEntry::outcome).containsExactly(Outcome.SUCCESS, Outcome.DENIED);
        AuditEntry ok = es.get(0);
        assertThat(ok.target()).isEqualTo("acme");
        assertThat(ok.details()).containsEntry("ingest_qps", 5L).containsEntry("ingest_burst", 10L)
                .containsEntry("storage_bytes", 1000L).containsEntry("retention_days", 30L)
                .containsEntry("query_qps", 50L);
        assertThat(ok.details()).containsKey("query_burst");
    }

    // ---------------------------------------------------------------------------------------------- storage

    @Test
    void storageExactlyAtTheLimitIsAllowedOneByteOverIs413AndAReleaseFreesTheBytes() throws Exception {
        setLimits(ACME, QuotaLimits.builder().storageBytes(1000L).build());
        StorageReservation a = governor.reserveStorage(editor(ACME), 600);
        StorageReservation b = governor.reserveStorage(editor(ACME), 400);
        assertThat(governor.usage(editor(ACME))).isEqualTo(new QuotaUsage(0, 1000));
        assertThatThrownBy(() -> governor.reserveStorage(editor(ACME), 1))
                .isInstanceOfSatisfying(StorageQuotaExceededException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_STORAGE);
                    assertThat(e.httpStatus()).isEqualTo(413);
                    assertThat(e.usedBytes()).isEqualTo(1000);
                    assertThat(e.limitBytes()).isEqualTo(1000);
                    assertThat(e.requestedBytes()).isEqualTo(1);
                });
        a.commit();
        b.close();
        assertThat(governor.usage(editor(ACME))).isEqualTo(new QuotaUsage(600, 0));
        a.close(); // no-op after commit
        assertThatThrownBy(a::commit).isInstanceOf(IllegalStateException.class);
        try (StorageReservation c = governor.reserveStorage(editor(ACME), 400)) {
            db.database().inTransaction(tx -> {
                c.commit(tx);
                return null;
            });
        }
        assertThat(governor.usage(editor(ACME))).isEqualTo(new QuotaUsage(1000, 0));
        assertThatThrownBy(() -> governor.reserveStorage(editor(ACME), 1))
                .isInstanceOf(StorageQuotaExceededException.class);
        assertThatThrownBy(() -> governor.reserveStorage(editor(ACME), Long.MAX_VALUE))
                .isInstanceOf(StorageQuotaExceededException.class);
        // Another org is untouched; usage survives a restart (a new governor on the same database).
        governor.reserveStorage(editor(BETA), 5000).commit();
        QuotaGovernor restarted = newGovernor(db.database(), audit, sink);
        assertThat(restarted.usage(editor(ACME))).isEqualTo(new QuotaUsage(1000, 0));
        assertThat(restarted.usage(editor(BETA))).isEqualTo(new QuotaUsage(5000, 0));
        assertThatThrownBy(() -> restarted.reserveStorage(editor(ACME), 1))
                .isInstanceOf(StorageQuotaExceededException.class);
        // Rejections audited with the storage target; alerts at 80 % and 100 %.
        governor.close();
        restarted.close();
        audit.close();
        List<AuditEntry> rejects = entries(ACME, "quota.reject");
        assertThat(rejects).allMatch(e -> e.target().equals("storage") && e.status() == 413);
        assertThat(rejects.stream().mapToLong(AuditEntry::count).sum()).isEqualTo(4);
        assertThat(sink.alerts).anyMatch(x -> x.type() == QuotaAlert.Type.STORAGE_NEARING && x.org().equals(ACME));
        assertThat(sink.alerts).anyMatch(x -> x.type() == QuotaAlert.Type.STORAGE_FULL && x.org().equals(ACME)
                && x.used() == 1000 && x.limit() == 1000);
    }

    @Test
    void concurrentReservationsNeverExceedTheLimit() throws Exception {
        setLimits(ACME, QuotaLimits.builder().storageBytes(10_000L).build());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger granted = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fs.add(pool.submit(() -> {
                try {
                    governor.reserveStorage(editor(ACME), 100).commit();
                    granted.incrementAndGet();
                } catch (StorageQuotaExceededException expected) {
                    // over the limit
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(granted).hasValue(100);
        assertThat(governor.usage(editor(ACME))).isEqualTo(new QuotaUsage(10_000, 0));
    }

    @Test
    void reconciliationRecomputesUsageOrgByOrgAndExpiresStaleReservations() throws Exception {
        Instant now = clock.instant();
        insertEvent(db.dataSource(), "ev", ACME, "s1", now, 100);
        insertEvent(db.dataSource(), "ev_nostream", ACME, "", now, 23);
        insertEvent(db.dataSource(), "ev", BETA, "s1", now, 7);
        governor.reserveStorage(editor(ACME), 50); // never settled: a crashed instance
        assertThat(governor.usage(editor(ACME))).isEqualTo(new QuotaUsage(0, 50));
        assertThat(governor.reconcileStorage()).isGreaterThanOrEqualTo(2);
        assertThat(governor.usage(editor(ACME))).isEqualTo(new QuotaUsage(123, 50));
        assertThat(governor.usage(editor(BETA))).isEqualTo(new QuotaUsage(7, 0));
        clock.advance(Duration.ofMinutes(11));
        governor.reconcileStorage();
        assertThat(governor.usage(editor(ACME))).isEqualTo(new QuotaUsage(123, 0));
    }

    @Test
    void retentionDeletesOldEventsInBatchesLowersUsageAndIsAudited() throws Exception {
        setLimits(ACME, QuotaLimits.builder().retentionDays(7).storageBytes(1_000_000L).build());
        Instant now = clock.instant();
        for (int i = 0; i < 20; i++) {
            insertEvent(db.dataSource(), "ev", ACME, "s" + (i % 2), now.minus(Duration.ofDays(8 + i)), 10);
            insertEvent(db.dataSource(), "ev", ACME, "s1", now.minus(Duration.ofDays(1)), 1);
            insertEvent(db.dataSource(), "ev", BETA, "s1", now.minus(Duration.ofDays(100)), 1000);
        }
        insertEvent(db.dataSource(), "ev_nostream", ACME, "", now.minus(Duration.ofDays(30)), 5);
        governor.reconcileStorage();
        assertThat(governor.usage(editor(ACME)).storageBytes()).isEqualTo(20 * 10 + 20 + 5);
        RetentionResult r = governor.runRetention();
        assertThat(r.events()).isEqualTo(21);
        assertThat(r.bytes()).isEqualTo(205);
        assertThat(governor.usage(editor(ACME)).storageBytes()).isEqualTo(20);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ev WHERE org_id = 'acme'")).isEqualTo(20);
        // BETA keeps everything (no retention set).
        assertThat(db.queryLong("SELECT COUNT(*) FROM ev WHERE org_id = 'beta'")).isEqualTo(20);
        List<AuditEntry> es = entries(ACME, "retention.delete");
        assertThat(es).hasSize(2);
        assertThat(es).allMatch(e -> e.actor().type() == ActorType.SYSTEM);
        assertThat(es.stream().mapToLong(e -> (Long) e.details().get("events")).sum()).isEqualTo(21);
        assertThat(governor.runRetention().events()).isZero();
    }

    @Test
    void deletingAStreamDeletesItsEventsAtOnceLowersUsageAndIsAudited() throws Exception {
        Instant now = clock.instant();
        for (int i = 0; i < 30; i++) {
            insertEvent(db.dataSource(), "ev", ACME, i < 17 ? "web" : "db", now, 3);
            insertEvent(db.dataSource(), "ev", BETA, "web", now, 3);
        }
        governor.reconcileStorage();
        assertThat(governor.usage(editor(ACME)).storageBytes()).isEqualTo(90);
        assertThatThrownBy(() -> governor.deleteStream(editor(ACME), ROOT_CTX, "web"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        Principal scoped = new Principal(ACME, "t", Role.ADMIN, CredentialKind.API_TOKEN, "tok", Set.of(Scope.INGEST));
        assertThatThrownBy(() -> governor.deleteStream(scoped, ROOT_CTX, "web"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> governor.deleteStream(admin(ACME), ROOT_CTX, "web' OR '1'='1"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ev WHERE org_id = 'acme'")).isEqualTo(30);
        assertThat(governor.deleteStream(admin(ACME), ROOT_CTX, "web")).isEqualTo(17);
        assertThat(governor.usage(editor(ACME)).storageBytes()).isEqualTo(39);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ev WHERE org_id = 'acme' AND stream = 'web'")).isZero();
        assertThat(db.queryLong("SELECT COUNT(*) FROM ev WHERE org_id = 'beta' AND stream = 'web'")).isEqualTo(30);
        List<AuditEntry> es = entries(ACME, "stream.delete");
        assertThat(es).extracting(AuditEntry::outcome).containsExactly(Outcome.SUCCESS, Outcome.DENIED,
                Outcome.DENIED);
        assertThat(es.get(0).details()).containsEntry("events", 17L).containsEntry("stream", "web");
    }

    @Test
    void eventTableNamesAreValidated() {
        assertThatThrownBy(() -> EventTable.of("ev; DROP TABLE ms_org", "org_id", "ts", "size_bytes"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventTable.of("ev", "org_id", "ts", "size_bytes").withStreamColumn("Stream"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
