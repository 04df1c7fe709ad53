package io.molesignal.bench;

import java.lang.reflect.Field;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jol.info.GraphLayout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.quota.QuotaGovernor;

/**
 * Memory per org entry of the governor's rate state at 1,000,000 orgs, measured with JOL over the state cache
 * (Caffeine node, key, {@code OrgState} and its two GCRA buckets, whose state is held inline, after one decision
 * of each kind), printed once per trial as {@code JOL: … bytes per org}. The benchmark itself is a decision for a
 * random one of the million orgs (a cache far larger than the CPU caches).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Djol.magicFieldOffset=true"})
public class QuotaMemoryBenchmark {
    static {
        // No logging configuration ships with the benchmarks: keep library DEBUG output out of the measurements.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    static final int ORGS = 1_000_000;

    @State(Scope.Benchmark)
    public static class Million {
        HikariDataSource ds;
        AuditLog audit;
        QuotaGovernor governor;
        Principal[] principals;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl("jdbc:h2:mem:quota_mem_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            cfg.setMaximumPoolSize(4);
            ds = new HikariDataSource(cfg);
            Database db = Database.of(ds);
            db.migrate("core");
            audit = AuditLog.builder(db).build();
            // A ticker standing still: loading a million orgs takes longer than their buckets' fill time, and full
            // buckets of idle orgs would (rightly) expire before JOL counts them.
            governor = QuotaGovernor.builder(db, audit).backgroundJobs(false).maxOrgs(ORGS).ticker(() -> 42L)
                    .build();
            principals = new Principal[ORGS];
            Field f = QuotaGovernor.class.getDeclaredField("states");
            f.setAccessible(true);
            Object cache = f.get(governor);
            long t0 = System.nanoTime();
            for (int i = 0; i < ORGS; i++) {
                principals[i] = new Principal(OrgId.of("org-" + i), "u", Role.EDITOR, CredentialKind.JWT, "j",
                        Set.of());
                governor.tryAcquireIngest(principals[i], 1);
                governor.tryAcquireQuery(principals[i]);
            }
            long loaded = System.nanoTime() - t0;
            governor.cleanUp();
            long entries = governor.metrics().stateEntries();
            long total = GraphLayout.parseInstance(cache).totalSize();
            System.out.printf("%nJOL: %d orgs in the state cache (loaded in %.1f s), %d bytes in total,"
                    + " %.1f bytes per org%n", entries, loaded / 1e9, total, (double) total / entries);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            governor.close();
            audit.close();
            ds.close();
        }
    }

    @Benchmark
    @Threads(1)
    public boolean decisionAmongAMillionOrgs(Million m) {
        return m.governor.tryAcquireQuery(m.principals[ThreadLocalRandom.current().nextInt(ORGS)]).allowed();
    }
}
