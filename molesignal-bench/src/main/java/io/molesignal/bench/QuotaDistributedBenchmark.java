package io.molesignal.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import com.zaxxer.hikari.HikariConfig;
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
import io.molesignal.core.quota.PostgresRateStore;
import io.molesignal.core.quota.QuotaGovernor;
import io.molesignal.core.quota.QuotaLimits;
import io.molesignal.core.quota.RateStore;
import io.molesignal.core.quota.RedisRateStore;

/**
 * Distributed mode: two app instances (own pools, audit logs, store clients, governors) sharing one org's ingest
 * limit through PostgreSQL or Redis, 4 threads (2 per instance) hammering it. Reports decisions per second (divide
 * by 2 for per instance) and, after each iteration, the admitted count against {@code rate·t + burst} — the measured
 * over-admission under contention (bound: N × lease). Needs PostgreSQL at 127.0.0.1:5432 (db test, user postgres)
 * and Redis at 127.0.0.1:6379.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QuotaDistributedBenchmark {
    static {
        // No logging configuration ships with the benchmarks: keep library DEBUG output out of the measurements.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";

    @State(Scope.Benchmark)
    public static class Cluster {
        @Param({"postgresql", "redis"})
        public String store;

        /** Ingest events per second (= burst): 20000 is contended (the threads want more), 1e9 measures capacity. */
        @Param({"20000", "1000000000"})
        public long rate;

        String schema;
        final HikariDataSource[] pools = new HikariDataSource[2];
        final AuditLog[] audits = new AuditLog[2];
        final QuotaGovernor[] governors = new QuotaGovernor[2];
        final Principal principal = new Principal(OrgId.of("acme"), "u", Role.EDITOR, CredentialKind.JWT, "j",
                Set.of());
        final AtomicInteger nextThread = new AtomicInteger();
        final AtomicLong admitted = new AtomicLong();
        final AtomicLong attempts = new AtomicLong();
        long iterationStart;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            schema = "bench_quota_" + UUID.randomUUID().toString().substring(0, 8);
            try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            String prefix = "bench:" + schema + ":";
            for (int i = 0; i < 2; i++) {
                HikariConfig cfg = new HikariConfig();
                cfg.setJdbcUrl(PG + "?currentSchema=" + schema);
                cfg.setUsername("postgres");
                cfg.setMaximumPoolSize(4);
                pools[i] = new HikariDataSource(cfg);
                Database db = Database.of(pools[i]);
                if (i == 0) {
                    db.migrate("core");
                    try (Connection c = pools[i].getConnection(); Statement st = c.createStatement()) {
                        st.execute("INSERT INTO ms_org (org_id, disabled, created_at) VALUES ('acme', FALSE,"
                                + " CURRENT_TIMESTAMP)");
                    }
                }
                audits[i] = AuditLog.builder(db).build();
                RateStore rs = store.equals("redis")
                        ? RedisRateStore.builder("redis://127.0.0.1:6379").keyPrefix(prefix).build()
                        : PostgresRateStore.create(db);
                governors[i] = QuotaGovernor.builder(db, audits[i]).backgroundJobs(false).distributed(rs, 2)
                        .build();
            }
            governors[0].updateLimits(new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "j",
                    Set.of()), new AuditContext(new Actor(ActorType.USER, "root", "root"), null, null),
                    OrgId.of("acme"), QuotaLimits.builder().ingestQps(rate).ingestBurst(rate).build());
            governors[1].refreshLimits();
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            admitted.set(0);
            attempts.set(0);
            iterationStart = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            double t = (System.nanoTime() - iterationStart) / 1e9;
            double allowed = rate * t + rate;
            System.out.printf("%n[%s] %d decisions, admitted %d in %.2f s; rate*t+burst = %.0f;"
                    + " over-admission %d (lease %d, N 2)%n", store, attempts.get(), admitted.get(), t, allowed,
                    Math.max(0, admitted.get() - (long) Math.floor(allowed)), Math.max(1, Math.min(rate / 4,
                            rate / 20)));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            for (int i = 0; i < 2; i++) {
                governors[i].close();
                audits[i].close();
                pools[i].close();
            }
            try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @State(Scope.Thread)
    public static class Side {
        QuotaGovernor governor;

        @Setup(Level.Trial)
        public void setUp(Cluster c) {
            governor = c.governors[c.nextThread.getAndIncrement() % 2];
        }
    }

    @Benchmark
    @Threads(4)
    public boolean twoInstancesFourThreads(Cluster c, Side s) {
        boolean ok = s.governor.tryAcquireIngest(c.principal, 1).allowed();
        c.attempts.incrementAndGet();
        if (ok) {
            c.admitted.incrementAndGet();
        }
        return ok;
    }
}
