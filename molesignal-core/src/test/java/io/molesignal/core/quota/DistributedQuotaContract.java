package io.molesignal.core.quota;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.ActorType;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.testing.FakeTicker;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

/**
 * Two app instances — two object graphs, each with its own connection pool, audit log, store client and governor —
 * sharing one per-org limit through a {@link RateStore}; 4 threads each. Subclasses provide the store.
 */
abstract class DistributedQuotaContract {
    static final OrgId ACME = OrgId.of("acme");
    static final Principal ROOT = new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "j", Set.of());
    static final AuditContext CTX = new AuditContext(new Actor(ActorType.USER, "root", "root"), null, null);
    static final Principal EDITOR = new Principal(ACME, "u", Role.EDITOR, CredentialKind.JWT, "j1", Set.of());
    static final long RATE = 10;
    static final long BURST = 100;
    static final long LEASE = 10;
    static final int N = 2;

    /** One app instance. */
    final class Instance implements AutoCloseable {
        final HikariDataSource pool;
        final AuditLog audit;
        final QuotaGovernor governor;
        final RecordingSink sink = new RecordingSink();

        Instance(RateStore store, boolean failOpen) {
            this(store, failOpen, false);
        }

        /** @param fakeStoreTime whether the store computes on the shared fake ticker instead of its own clock */
        Instance(RateStore store, boolean failOpen, boolean fakeStoreTime) {
            pool = TestDatabases.pool(db.schema(), 8);
            Database database = Database.of(pool);
            audit = AuditLog.builder(database).ticker(ticker).clock(clock).build();
            QuotaGovernor.Builder b = QuotaGovernor.builder(database, audit).ticker(ticker).clock(clock)
                    .backgroundJobs(false).alertSink(sink).distributed(store, N).leaseTokens(LEASE)
                    .leaseTtl(Duration.ofMinutes(1)).allowInsecureFailOpen(failOpen);
            if (fakeStoreTime) {
                b.distributedTime(ticker);
            }
            governor = b.build();
        }

        @Override
        public void close() {
            governor.close();
            audit.close();
            pool.close();
        }
    }

    protected TestDb db;
    protected final FakeTicker ticker = new FakeTicker();
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final List<AutoCloseable> instances = new ArrayList<>();

    /** A new client of the shared store for one instance (its own connection). */
    protected abstract RateStore newStore(Database database);

    /** Called before anything else; skip or fail when the store is missing. */
    protected abstract void requireStore();

    @BeforeEach
    void setUp() {
        requireStore();
        db = TestDatabases.postgres(getClass().getSimpleName());
        db.database().migrate("core");
        db.insertOrgs("acme");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : instances) {
            c.close();
        }
        if (db != null) {
            db.close();
        }
    }

    Instance instance(boolean failOpen) {
        return instance(failOpen, false);
    }

    Instance instance(boolean failOpen, boolean fakeStoreTime) {
        HikariDataSource storePool = TestDatabases.pool(db.schema(), 4);
        instances.add(storePool);
        Instance i = new Instance(newStore(Database.of(storePool)), failOpen, fakeStoreTime);
        instances.add(0, i);
        return i;
    }

    /** Runs {@code tries} decisions on each of 4 threads per instance, all started at once; returns those admitted. */
    private static long race(Instance a, Instance b, int tries) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicLong admitted = new AtomicLong();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                QuotaGovernor g = t % 2 == 0 ? a.governor : b.governor;
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < tries; i++) {
                        if (g.tryAcquireIngest(EDITOR, 1).allowed()) {
                            admitted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(5, TimeUnit.MINUTES);
            }
            return admitted.get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void onASharedFakeTickerTwoInstancesWithFourThreadsEachAdmitExactlyWhatTheSharedBucketHolds() throws Exception {
        Instance a = instance(false, true);
        Instance b = instance(false, true);
        a.governor.updateLimits(ROOT, CTX, ACME, QuotaLimits.builder().ingestQps(RATE).ingestBurst(BURST).build());
        b.governor.refreshLimits();
        // Time frozen: the shared bucket holds the burst and nothing refills. Every admitted token was leased from it,
        // so at most BURST are admitted (the N x lease term of the bound is for leases taken before a window; here
        // the window starts with the bucket); at most N x lease can be left unspent in leases.
        long admitted = race(a, b, 250);
        System.out.printf("distributed %s, frozen fake time: admitted %d of 2000 (burst %d)%n",
                getClass().getSimpleName(), admitted, BURST);
        assertThat(admitted).isBetween(BURST - N * LEASE, BURST);
        // Advance one second at a time, racing 8 threads after each step: over t seconds the instances together admit
        // at most rate x t + burst, exactly, and at least that minus what can sit unspent in the N leases.
        for (int s = 1; s <= 10; s++) {
            ticker.advance(Duration.ofSeconds(1));
            admitted += race(a, b, 25);
            assertThat(admitted).isLessThanOrEqualTo(BURST + RATE * s);
        }
        System.out.printf("distributed %s, 10 s of fake time: admitted %d (rate x t + burst = %d)%n",
                getClass().getSimpleName(), admitted, BURST + RATE * 10);
        assertThat(admitted).isBetween(BURST + RATE * 10 - N * LEASE, BURST + RATE * 10);
        // A window that starts with leases already taken: spending them plus the refill stays within
        // rate x w + burst + N x lease (here: what the bucket held, since no time passes between the windows).
        ticker.advance(Duration.ofSeconds(3));
        long window = race(a, b, 25);
        assertThat(window).isLessThanOrEqualTo(RATE * 3 + BURST + N * LEASE);
        assertThat(a.governor.metrics().storeErrors() + b.governor.metrics().storeErrors()).isZero();
        assertThat(a.governor.metrics().storeDegraded()).isFalse();
    }

    @Test
    void twoInstancesWithFourThreadsEachStayWithinTheStatedBound() throws Exception {
        Instance a = instance(false);
        Instance b = instance(false);
        a.governor.updateLimits(ROOT, CTX, ACME, QuotaLimits.builder().ingestQps(RATE).ingestBurst(BURST).build());
        b.governor.refreshLimits();
        long t0 = System.nanoTime(); // before the threads start: elapsed can only be overestimated
        long admitted = race(a, b, 250);
        double elapsed = (System.nanoTime() - t0) / 1e9 + 0.5; // upper bound, including the store's clock skew
        // The bound of the Javadoc: rate * t + burst + N * lease; and at most N * lease stranded in leases.
        long upper = BURST + (long) Math.ceil(RATE * elapsed) + N * LEASE;
        System.out.printf("distributed %s: admitted %d of 2000 in %.2f s; rate*t+burst = %.0f, bound %d%n",
                getClass().getSimpleName(), admitted, elapsed - 0.5, BURST + RATE * (elapsed - 0.5), upper);
        assertThat(admitted).isBetween(BURST - N * LEASE, upper);
        assertThat(a.governor.metrics().storeDegraded()).isFalse();
        assertThat(a.governor.metrics().storeErrors() + b.governor.metrics().storeErrors()).isZero();
    }

    @Test
    void aLoweredLimitDropsLeasesOnEveryInstance() {
        Instance a = instance(false);
        Instance b = instance(false);
        a.governor.updateLimits(ROOT, CTX, ACME, QuotaLimits.builder().queryQps(1000L).queryBurst(1000L).build());
        b.governor.refreshLimits();
        assertThat(a.governor.tryAcquireQuery(EDITOR).allowed()).isTrue();
        assertThat(b.governor.tryAcquireQuery(EDITOR).allowed()).isTrue();
        a.governor.updateLimits(ROOT, CTX, ACME, QuotaLimits.builder().queryQps(1L).queryBurst(1L).build());
        b.governor.refreshLimits();
        // Leases taken under the old limit are gone; the shared bucket holds at most one token now.
        long admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += a.governor.tryAcquireQuery(EDITOR).allowed() ? 1 : 0;
            admitted += b.governor.tryAcquireQuery(EDITOR).allowed() ? 1 : 0;
        }
        assertThat(admitted).isLessThanOrEqualTo(1);
        RateDecision d = b.governor.tryAcquireQuery(EDITOR);
        assertThat(d.allowed()).isFalse();
        assertThat(d.limit()).isEqualTo(1);
        assertThat(d.retryAfterHeader()).isPresent();
    }
}
