package io.molesignal.bench;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

import com.google.common.util.concurrent.RateLimiter;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.ActorType;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.Ticker;
import io.molesignal.core.internal.quota.Gcra;
import io.molesignal.core.internal.quota.RateParams;
import io.molesignal.core.quota.QuotaKind;
import io.molesignal.core.db.Database;
import io.molesignal.core.quota.QuotaGovernor;
import io.molesignal.core.quota.QuotaLimits;

/**
 * One local rate decision: the {@link QuotaGovernor} (lookup of the org's state + one GCRA CAS + the decision value)
 * against a Bucket4j local lock-free bucket and a Guava {@code RateLimiter}, in the same run; on one thread, on two
 * threads with distinct orgs (distinct buckets), and on two threads sharing one org (one bucket). Rates are 10⁹/s
 * with burst 10⁹ so that (almost) every call is admitted, as in Bucket4j's own "TryConsumeMostlySuccess" harness.
 * Baselines hold their bucket directly (no per-org map), which favours them. Every contender reads
 * {@code System.nanoTime()} once per decision (Bucket4j with nanosecond precision, Guava's stopwatch, the governor's
 * {@code Ticker.system()}). {@code t1_governorRejected} measures a refused decision (429) with its coalesced audit.
 * The contenders' results are consumed as booleans ({@code allowed()}): the governor's {@link
 * io.molesignal.core.quota.RateDecision} then never escapes and is not allocated; {@code t1_governorWholeDecision}
 * consumes it whole (as a server writing headers does) against Bucket4j's {@code ConsumptionProbe}.
 *
 * <p>Each invocation makes 16 decisions; sample-time mode reports the mean and the percentiles per decision (of
 * batches of 16, so that the timer's own cost and resolution do not dominate). p50 is the goal: under 100 ns
 * single-threaded and with distinct orgs.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class QuotaBenchmark {
    static {
        // No logging configuration ships with the benchmarks: keep library DEBUG output out of the measurements.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    static final long RATE = 1_000_000_000L;

    /** One database, audit log and governor; one shared org, plus one org per thread. */
    @State(Scope.Benchmark)
    public static class Governor {
        HikariDataSource ds;
        AuditLog audit;
        QuotaGovernor governor;
        Principal shared;
        Principal sharedEqual;
        Principal refused;
        final AtomicInteger nextOrg = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl("jdbc:h2:mem:quota_bench_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            cfg.setMaximumPoolSize(4);
            ds = new HikariDataSource(cfg);
            Database db = Database.of(ds);
            db.migrate("core");
            audit = AuditLog.builder(db).build();
            governor = QuotaGovernor.builder(db, audit).backgroundJobs(false).build();
            QuotaLimits fast = QuotaLimits.builder().ingestQps(RATE).ingestBurst(RATE).build();
            Principal root = new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "j", Set.of());
            AuditContext ctx = new AuditContext(new Actor(ActorType.USER, "root", "root"), null, null);
            for (int i = 0; i < 17; i++) {
                String org = "org" + i;
                try (var c = ds.getConnection(); var st = c.createStatement()) {
                    st.execute("INSERT INTO ms_org (org_id, disabled, created_at) VALUES ('" + org
                            + "', FALSE, CURRENT_TIMESTAMP)");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                governor.updateLimits(root, ctx, OrgId.of(org), i == 16
                        ? QuotaLimits.builder().queryQps(1L).queryBurst(1L).build() : fast);
            }
            shared = principal(0);
            sharedEqual = principal(0); // an equal OrgId, not the object the org's state was loaded with
            refused = principal(16);
            governor.tryAcquireQuery(refused); // the one token; every later query of org16 is refused
            governor.tryAcquireIngest(shared, 1); // org0's state is loaded with shared's OrgId
        }

        Principal principal(int i) {
            return new Principal(OrgId.of("org" + i), "u" + i, Role.EDITOR, CredentialKind.API_TOKEN, "t" + i,
                    Set.of());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            governor.close();
            audit.close();
            ds.close();
        }
    }

    /** Per thread: its own org. */
    @State(Scope.Thread)
    public static class OwnOrg {
        Principal principal;

        @Setup(Level.Trial)
        public void setUp(Governor g) {
            principal = g.principal(1 + g.nextOrg.getAndIncrement() % 15);
        }
    }

    /** Baselines: one shared bucket/limiter. */
    @State(Scope.Benchmark)
    public static class SharedBaselines {
        Bucket bucket;
        RateLimiter guava;

        @Setup(Level.Trial)
        public void setUp() {
            bucket = newBucket();
            guava = RateLimiter.create(RATE);
        }
    }

    /** Baselines: one bucket/limiter per thread. */
    @State(Scope.Thread)
    public static class OwnBaselines {
        Bucket bucket;
        RateLimiter guava;

        @Setup(Level.Trial)
        public void setUp() {
            bucket = newBucket();
            guava = RateLimiter.create(RATE);
        }
    }

    static Bucket newBucket() {
        // Nanosecond precision: Bucket4j then reads System.nanoTime(), as Guava's RateLimiter and the governor's
        // Ticker.system() do (its default, milliseconds, reads System.currentTimeMillis()): one clock read each.
        return Bucket.builder().withNanosecondPrecision().addLimit(Bandwidth.builder().capacity(RATE)
                .refillGreedy(RATE, Duration.ofSeconds(1)).build()).build();
    }

    // Every method makes BATCH decisions per invocation (@OperationsPerInvocation): SampleTime then times 16 calls at
    // once, so its percentiles are not dominated by the two System.nanoTime() reads and the ~10 ns resolution of the
    // timer around a single ~50 ns call (a p50 of one call is mostly timer). Per decision, the result is consumed.

    static final int BATCH = 16;

    // ------------------------------------------------------------------ 1 thread

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_governor(Governor g, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(g.governor.tryAcquireIngest(g.shared, 1).allowed());
        }
    }

    /**
     * A principal whose {@code OrgId} equals, but is not, the one the org's state was loaded with (another API token
     * of the same org, say): the front slot is then confirmed by name, out of line.
     */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_governorEqualOrg(Governor g, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(g.governor.tryAcquireIngest(g.sharedEqual, 1).allowed());
        }
    }

    /**
     * The governor's decision consumed whole (it escapes, so it is allocated), as a server that writes the
     * {@code RateLimit} headers uses it; against Bucket4j's like-for-like {@code tryConsumeAndReturnRemaining}.
     */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_governorWholeDecision(Governor g, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(g.governor.tryAcquireIngest(g.shared, 1));
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_bucket4jProbe(SharedBaselines b, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(b.bucket.tryConsumeAndReturnRemaining(1));
        }
    }

    /** The GCRA step alone (no org lookup, no counters): what the governor adds on top of it is the lookup. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_gcraOnly(Raw r, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(r.bucket.tryAcquire(r.ticker, r.params, QuotaKind.INGEST, 1).allowed());
        }
    }

    @State(Scope.Benchmark)
    public static class Raw {
        final Gcra bucket = new Gcra();
        final RateParams params = new RateParams(RATE, RATE);
        final Ticker ticker = Ticker.system();
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_bucket4j(SharedBaselines b, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(b.bucket.tryConsume(1));
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_guava(SharedBaselines b, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(b.guava.tryAcquire());
        }
    }

    /**
     * A refused decision (429) of an org at 1/s with burst 1, already refusing: the GCRA step, the coalesced audit
     * of the rejection and the alert-episode check; what a 429 flood costs per request.
     */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public void t1_governorRejected(Governor g, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(g.governor.tryAcquireQuery(g.refused).allowed());
        }
    }

    // ------------------------------------------------------------------ 2 threads, distinct orgs

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void t2distinct_governor(Governor g, OwnOrg o, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(g.governor.tryAcquireIngest(o.principal, 1).allowed());
        }
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void t2distinct_bucket4j(OwnBaselines b, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(b.bucket.tryConsume(1));
        }
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void t2distinct_guava(OwnBaselines b, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(b.guava.tryAcquire());
        }
    }

    // ------------------------------------------------------------------ 2 threads, one shared org

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void t2shared_governor(Governor g, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(g.governor.tryAcquireIngest(g.shared, 1).allowed());
        }
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void t2shared_bucket4j(SharedBaselines b, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(b.bucket.tryConsume(1));
        }
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BATCH)
    public void t2shared_guava(SharedBaselines b, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(b.guava.tryAcquire());
        }
    }
}
