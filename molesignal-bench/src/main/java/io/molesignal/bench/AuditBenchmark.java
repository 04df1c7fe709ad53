package io.molesignal.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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

import io.molesignal.core.OrgId;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.ActorType;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.db.Database;

/**
 * Audit appends per second on PostgreSQL (hash chain, head row locked per org, one transaction per entry) against a
 * plain INSERT of the same row into a same-shaped table without the chain, one transaction per row, same run.
 * Four threads; {@code orgs} = 1 (every append contends for one org's head) or 100.
 *
 * <p>Run: {@code java -jar molesignal-bench/target/benchmarks.jar AuditBenchmark -f 1 -wi 2 -i 3 -w 3s -r 5s}
 * (PostgreSQL at {@code MS_BENCH_PG_URL}, default {@code jdbc:postgresql://127.0.0.1:5432/test}, user postgres).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class AuditBenchmark {
    @Param({"1", "100"})
    public int orgs;

    private String url;
    private String schema;
    private HikariDataSource ds;
    private AuditLog audit;
    private OrgId[] orgIds;
    private final AtomicLong plainSeq = new AtomicLong();
    private static final AuditContext CTX = new AuditContext(new Actor(ActorType.USER, "u-1", "alice@acme.example"),
            "req-1", "203.0.113.9");

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        url = System.getenv().getOrDefault("MS_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        schema = "bench_audit_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url + "?currentSchema=" + schema);
        cfg.setUsername("postgres");
        cfg.setMaximumPoolSize(8);
        ds = new HikariDataSource(cfg);
        Database db = Database.of(ds);
        db.migrate("core");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE plain_audit (LIKE ms_audit_entry INCLUDING ALL)");
        }
        audit = AuditLog.builder(db).build();
        orgIds = new OrgId[orgs];
        for (int i = 0; i < orgs; i++) {
            orgIds[i] = OrgId.of("org-" + i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        audit.close();
        ds.close();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private OrgId pick() {
        return orgIds[ThreadLocalRandom.current().nextInt(orgIds.length)];
    }

    @Benchmark
    public long auditAppend() {
        return audit.record(AuditRecord.builder(pick(), "user.update", CTX).target("user-7")
                .detail("role", "editor").build()).seq();
    }

    @Benchmark
    public int plainInsert() throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO plain_audit (org_id, seq, ts_micros, "
                    + "actor_type, actor_id, actor_name, action, target, outcome, status, request_id, source_address, "
                    + "details, entry_count, chain, hash) VALUES (?, ?, ?, 'user', 'u-1', 'alice@acme.example', "
                    + "'user.update', 'user-7', 'success', 200, 'req-1', '203.0.113.9', '{\"role\":\"editor\"}', 1, "
                    + "'none', ?)")) {
                ps.setString(1, pick().value());
                ps.setLong(2, plainSeq.incrementAndGet());
                ps.setLong(3, System.currentTimeMillis() * 1000);
                ps.setString(4, "0".repeat(64));
                int n = ps.executeUpdate();
                c.commit();
                return n;
            }
        }
    }
}
