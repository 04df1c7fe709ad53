package io.molesignal.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.RowLevelSecurity;
import io.molesignal.query.QueryExecutor;
import io.molesignal.query.TargetDialect;
import io.molesignal.query.TenantCatalog;
import io.molesignal.query.TenantQueryPlanner;

/**
 * End to end on PostgreSQL, 1,000,000 log rows over 10 orgs (schema {@code bench_query}, loaded once with
 * {@code generate_series}; indexes {@code (org_id, ts)} and {@code (org_id, service)}): a 1-day count by level, a
 * {@code LIKE} search ordered by time with {@code LIMIT 100}, and a count by service — through MoleSignal without
 * and with the row-level-security wall, against the same queries hand-written with {@code WHERE org_id = ?}
 * (plain JDBC, same pool), in the same run. The org rotates over the 10 orgs. Goal: ≤ 1.10× each.
 *
 * <p>Run: {@code java -jar molesignal-bench/target/benchmarks.jar QueryEndToEndBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}
 * (PostgreSQL at {@code MS_BENCH_PG_URL}, default {@code jdbc:postgresql://127.0.0.1:5432/test}, user postgres).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QueryEndToEndBenchmark {
    private static final int ORGS = 10;
    private static final int ROWS = 1_000_000;
    private static final Instant DAY_START = Instant.parse("2026-11-20T00:00:00Z");

    @Param({"countByLevel1d", "likeOrderLimit", "countByService"})
    public String query;

    private HikariDataSource dataSource;
    private QueryExecutor guardOnly;
    private QueryExecutor withRls;
    private final List<Principal> principals = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        quietCalcite();
        String url = System.getenv().getOrDefault("MS_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench_query");
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=bench_query");
        cfg.setUsername("postgres");
        cfg.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(cfg);
        load();
        Database db = Database.of(dataSource);
        TenantCatalog catalog = TenantCatalog.fromJdbc(dataSource,
                List.of(new io.molesignal.core.db.TenantTable("logs", "org_id")), Set.of());
        RowLevelSecurity rls = RowLevelSecurity.defaults();
        rls.apply(db, catalog.tenantTables());
        TenantQueryPlanner planner = TenantQueryPlanner.builder().catalog(catalog).dialect(TargetDialect.POSTGRESQL)
                .build();
        planner.warmUp();
        guardOnly = QueryExecutor.builder().database(db).planner(planner).maxRows(1000).build();
        withRls = QueryExecutor.builder().database(db).planner(planner).maxRows(1000).rowLevelSecurity(rls).build();
        for (int i = 0; i < ORGS; i++) {
            principals.add(new Principal(OrgId.of("org" + i), "u", Role.VIEWER, CredentialKind.JWT, "j", Set.of()));
        }
    }

    private void load() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS logs (org_id VARCHAR(64) NOT NULL, ts TIMESTAMP NOT NULL, "
                    + "level VARCHAR(16), service VARCHAR(64), message TEXT, attributes TEXT)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM logs")) {
                rs.next();
                if (rs.getLong(1) == ROWS) {
                    return;
                }
            }
            st.execute("TRUNCATE logs");
            st.execute("INSERT INTO logs SELECT 'org' || (i % " + ORGS + "), "
                    + "TIMESTAMP '2026-11-01 00:00:00' + (i * interval '2592 milliseconds'), "
                    + "(ARRAY['debug','info','info','info','warn','error'])[1 + (i % 6)], "
                    + "'svc' || ((i / 7) % 20), "
                    + "CASE WHEN i % 23 = 0 THEN 'request failed with error code ' || (i % 500) "
                    + "ELSE 'request ok in ' || (i % 1000) || ' ms' END, '{}' "
                    + "FROM generate_series(1, " + ROWS + ") AS g(i)");
            st.execute("CREATE INDEX IF NOT EXISTS logs_org_ts ON logs (org_id, ts)");
            st.execute("CREATE INDEX IF NOT EXISTS logs_org_service ON logs (org_id, service)");
            st.execute("VACUUM ANALYZE logs");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dataSource.close();
    }

    private String tenantSql() {
        return switch (query) {
            case "countByLevel1d" -> "SELECT level, count(*) FROM logs WHERE ts >= ? AND ts < ? GROUP BY level";
            case "likeOrderLimit" -> "SELECT ts, message FROM logs WHERE message LIKE '%error%' ORDER BY ts DESC "
                    + "LIMIT 100";
            case "countByService" -> "SELECT service, count(*) FROM logs GROUP BY service";
            default -> throw new IllegalArgumentException(query);
        };
    }

    private List<Object> params() {
        return query.equals("countByLevel1d") ? List.of(DAY_START, DAY_START.plusSeconds(86_400)) : List.of();
    }

    private Principal nextPrincipal() {
        Principal p = principals.get(next);
        next = (next + 1) % ORGS;
        return p;
    }

    @Benchmark
    public long molesignal() {
        return guardOnly.execute(nextPrincipal(), tenantSql(), params()).rowCount();
    }

    @Benchmark
    public long molesignalWithRls() {
        return withRls.execute(nextPrincipal(), tenantSql(), params()).rowCount();
    }

    @Benchmark
    public long handWritten() throws SQLException {
        String org = nextPrincipal().org().value();
        String sql = switch (query) {
            case "countByLevel1d" -> "SELECT level, count(*) FROM logs WHERE org_id = ? AND ts >= ? AND ts < ? "
                    + "GROUP BY level";
            case "likeOrderLimit" -> "SELECT ts, message FROM logs WHERE org_id = ? AND message LIKE '%error%' "
                    + "ORDER BY ts DESC LIMIT 100";
            default -> "SELECT service, count(*) FROM logs WHERE org_id = ? GROUP BY service";
        };
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, org);
            if (query.equals("countByLevel1d")) {
                ps.setObject(2, LocalDateTime.ofInstant(DAY_START, ZoneOffset.UTC));
                ps.setObject(3, LocalDateTime.ofInstant(DAY_START.plusSeconds(86_400), ZoneOffset.UTC));
            }
            long n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getObject(1);
                    rs.getObject(2);
                    n++;
                }
            }
            return n;
        }
    }

    /** Calcite logs every plan at DEBUG (logback's default level without a config): that is not planning cost. */
    static void quietCalcite() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.calcite"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }
}
