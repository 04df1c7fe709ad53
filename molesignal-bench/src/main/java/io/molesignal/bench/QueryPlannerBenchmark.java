package io.molesignal.bench;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.query.ColumnType;
import io.molesignal.query.TargetDialect;
import io.molesignal.query.TenantCatalog;
import io.molesignal.query.TenantQueryPlanner;

/**
 * Planning cost per statement shape (simple filter, group by, join, correlated subquery) through
 * {@link TenantQueryPlanner} for PostgreSQL: a warm uncached plan (the text varies by a trailing comment, so every
 * call misses), a cache hit, and the first plan in a fresh JVM (single shot, with and without {@code warmUp()}).
 * Goal: a cache hit ≥ 100× cheaper than a warm uncached plan and under 20 µs.
 *
 * <p>Run: {@code java -jar molesignal-bench/target/benchmarks.jar 'QueryPlannerBenchmark\.(cacheHit|warm)' -f 1 -wi 2
 * -i 3 -w 2s -r 3s}, and the first plan after start-up (no warm-up iteration, a fresh JVM per sample):
 * {@code java -jar molesignal-bench/target/benchmarks.jar 'QueryPlannerBenchmark.FirstPlan' -wi 0 -i 1 -f 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QueryPlannerBenchmark {
    static final Principal PRINCIPAL = new Principal(OrgId.of("acme"), "u", Role.VIEWER, CredentialKind.JWT, "j",
            Set.of());

    @Param({"filter", "groupby", "join", "correlated"})
    public String shape;

    private TenantQueryPlanner planner;
    private String sql;
    private long counter;

    static TenantCatalog catalog() {
        return TenantCatalog.builder()
                .tenantTable("logs", "org_id", List.of(c("org_id", ColumnType.STRING), c("ts", ColumnType.TIMESTAMP),
                        c("level", ColumnType.STRING), c("service", ColumnType.STRING),
                        c("message", ColumnType.STRING), c("trace_id", ColumnType.STRING),
                        c("attributes", ColumnType.JSON), c("size_bytes", ColumnType.INTEGER)))
                .tenantTable("spans", "org_id", List.of(c("org_id", ColumnType.STRING), c("ts", ColumnType.TIMESTAMP),
                        c("trace_id", ColumnType.STRING), c("span_id", ColumnType.STRING),
                        c("service", ColumnType.STRING), c("duration_ms", ColumnType.INTEGER)))
                .sharedTable("severity_levels", List.of(c("level", ColumnType.STRING),
                        c("severity_number", ColumnType.INTEGER)))
                .build();
    }

    private static TenantCatalog.Column c(String n, ColumnType t) {
        return new TenantCatalog.Column(n, t);
    }

    static String sql(String shape) {
        return switch (shape) {
            case "filter" -> "SELECT ts, message FROM logs WHERE level = 'error' AND size_bytes > 100 LIMIT 100";
            case "groupby" -> "SELECT level, count(*) FROM logs WHERE ts >= TIMESTAMP '2026-11-01 00:00:00' "
                    + "GROUP BY level";
            case "join" -> "SELECT l.message, s.duration_ms FROM logs l JOIN spans s ON s.trace_id = l.trace_id "
                    + "WHERE s.duration_ms > 100";
            case "correlated" -> "SELECT message FROM logs l WHERE EXISTS (SELECT 1 FROM spans s "
                    + "WHERE s.trace_id = l.trace_id AND s.duration_ms > 1000)";
            default -> throw new IllegalArgumentException(shape);
        };
    }

    @Setup
    public void setUp() {
        planner = TenantQueryPlanner.builder().catalog(catalog()).dialect(TargetDialect.POSTGRESQL)
                .maxCachedPlans(64).build();
        quietCalcite();
        sql = sql(shape);
        planner.plan(PRINCIPAL, sql);
    }

    @Benchmark
    public Object warmUncachedPlan() {
        return planner.plan(PRINCIPAL, sql + " -- " + (counter++)).sql();
    }

    @Benchmark
    public Object cacheHit() {
        return planner.plan(PRINCIPAL, sql).sql();
    }

    /** The first plan in a fresh JVM (each fork is a fresh JVM; nothing planned before the measured call). */
    public static class FirstPlan {
        /** The first plan in a fresh JVM. */
        @State(Scope.Thread)
        public static class Fresh {
            @Param({"filter", "groupby", "join", "correlated"})
            public String shape;
            TenantQueryPlanner planner;

            @Setup
            public void setUp() {
                quietCalcite();
                planner = TenantQueryPlanner.builder().catalog(catalog()).dialect(TargetDialect.POSTGRESQL).build();
            }
        }

        /** The first plan in a fresh JVM after {@link TenantQueryPlanner#warmUp()}. */
        @State(Scope.Thread)
        public static class WarmedUp {
            @Param({"filter", "groupby", "join", "correlated"})
            public String shape;
            TenantQueryPlanner planner;

            @Setup
            public void setUp() {
                quietCalcite();
                planner = TenantQueryPlanner.builder().catalog(catalog()).dialect(TargetDialect.POSTGRESQL).build();
                planner.warmUp();
            }
        }

        @Benchmark
        @BenchmarkMode(Mode.SingleShotTime)
        @Warmup(iterations = 0)
        @Measurement(iterations = 1)
        @Fork(3)
        @OutputTimeUnit(TimeUnit.MILLISECONDS)
        public Object firstPlanAfterStartUp(Fresh f) {
            return f.planner.plan(PRINCIPAL, sql(f.shape)).sql();
        }

        @Benchmark
        @BenchmarkMode(Mode.SingleShotTime)
        @Warmup(iterations = 0)
        @Measurement(iterations = 1)
        @Fork(3)
        @OutputTimeUnit(TimeUnit.MILLISECONDS)
        public Object firstPlanAfterWarmUp(WarmedUp w) {
            return w.planner.plan(PRINCIPAL, sql(w.shape) + " -- first").sql();
        }
    }

    /** Calcite logs every plan at DEBUG (logback's default level without a config): that is not planning cost. */
    static void quietCalcite() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.calcite"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }
}
