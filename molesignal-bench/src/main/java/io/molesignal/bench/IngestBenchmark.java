package io.molesignal.bench;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postgresql.PGConnection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.ingest.IngestAdmission;
import io.molesignal.core.ingest.IngestPipeline;
import io.molesignal.core.ingest.IngestTable;
import io.molesignal.core.ingest.ValueType;

/**
 * Ingest into PostgreSQL, batches of 1,000 Loghub events: {@link IngestPipeline} (parse the JSON body, map fields,
 * measure sizes, stamp the org, COPY in one transaction) against a raw {@code COPY} of the same rows prepared in
 * advance, same run. Events/s = 1000 / time per op. No VRL program and no quotas, so the pipeline's own cost shows.
 *
 * <p>Run: {@code java -jar molesignal-bench/target/benchmarks.jar IngestBenchmark -f 1 -wi 2 -i 3 -w 3s -r 5s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IngestBenchmark {
    static final IngestTable LOGS = IngestTable.builder("logs").column("level", ValueType.STRING, "level")
            .column("service", ValueType.STRING, "service").column("message", ValueType.STRING, "message").build();

    private String url;
    private String schema;
    private HikariDataSource ds;
    private IngestPipeline pipeline;
    private Principal principal;
    private byte[] body;
    private String csv;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        url = System.getenv().getOrDefault("MS_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        schema = "bench_ingest_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url + "?currentSchema=" + schema);
        cfg.setUsername("postgres");
        cfg.setMaximumPoolSize(4);
        ds = new HikariDataSource(cfg);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE logs (org_id VARCHAR(64) NOT NULL, stream VARCHAR(64) NOT NULL, "
                    + "ts TIMESTAMP(6) WITH TIME ZONE NOT NULL, level VARCHAR(64), service VARCHAR(256), message VARCHAR, "
                    + "attributes VARCHAR, size_bytes BIGINT NOT NULL)");
            st.execute("CREATE INDEX logs_org_ts ON logs (org_id, ts)");
        }
        Database db = Database.of(ds);
        pipeline = IngestPipeline.builder(TenantSession.builder(db).build(), IngestAdmission.unlimitedInsecure()).build();
        principal = new Principal(OrgId.of("bench"), "u", Role.EDITOR, CredentialKind.JWT, "j", Set.of());
        Path loghub = Path.of(System.getenv().getOrDefault("MS_LOGHUB", "../shared/data/loghub"));
        List<String> lines = Files.readAllLines(loghub.resolve("OpenSSH_2k.log"), StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> events = new ArrayList<>();
        StringBuilder rows = new StringBuilder();
        String ts = OffsetDateTime.now(ZoneOffset.UTC).toString();
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> e = Map.of("ts", ts, "level", "INFO", "service", "sshd", "message", lines.get(i),
                    "host", "LabSZ", "line", i);
            events.add(e);
            String attrs = "{\"host\":\"LabSZ\",\"line\":" + i + "}";
            rows.append("\"bench\",\"raw\",\"").append(ts).append("\",\"INFO\",\"sshd\",\"")
                    .append(lines.get(i).replace("\"", "\"\"")).append("\",\"").append(attrs.replace("\"", "\"\""))
                    .append("\",").append(json.writeValueAsBytes(e).length).append('\n');
        }
        body = json.writeValueAsBytes(events);
        csv = rows.toString();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ds.close();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Benchmark
    public int pipeline() {
        return pipeline.ingest(principal, LOGS, "app", body, IngestPipeline.Format.JSON_ARRAY).ingested();
    }

    @Benchmark
    public long rawCopy() throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY logs (org_id, stream, ts, level, service, "
                    + "message, attributes, size_bytes) FROM STDIN (FORMAT csv)", new StringReader(csv));
            c.commit();
            return n;
        }
    }
}
