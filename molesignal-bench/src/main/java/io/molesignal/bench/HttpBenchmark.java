package io.molesignal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.ingest.IngestPipeline;
import io.molesignal.core.ingest.IngestResult;
import io.molesignal.core.quota.RateDecision;
import io.molesignal.examples.server.ExampleServer;
import io.molesignal.examples.server.ExampleTables;
import io.molesignal.examples.server.ServerConfig;
import io.molesignal.query.QueryExecutor;
import io.molesignal.query.QueryResult;

/**
 * The example server over real HTTP against the same library calls in-process, same run, on one PostgreSQL:
 * ingest of 1,000-event batches (events/s = 1000 / time per op) and a dashboard query (p50 / p99 from the sample
 * distribution; requests/s = 1 / mean) with a JWT and with an API token. Quotas of the benchmark org are lifted so
 * they never refuse.
 *
 * <p>Fair sides: the HTTP benchmarks drive the built server jar running in its own JVM ({@link ServerProcess}), so
 * the client (this JVM) shares no heap, JIT or GC with it. The in-process benchmarks run a second instance of the
 * same server ({@link ExampleServer}, the same object graph: tenant session, quota governor, stream functions,
 * planner) in this JVM on the same schema and call its {@link IngestPipeline} and {@link QueryExecutor} directly
 * with the same bytes. Every fork has its own schema: the org, users, tokens and 5,000 seed events are created over
 * HTTP in {@code setUp}; its in-process instance is only started for the in-process benchmarks. The measured
 * requests go through {@link LoadClient} (Apache HttpClient 5 classic: one persistent connection, blocking I/O on the calling thread), and each
 * HTTP iteration prints the server's own mean time per request (from its {@code /metrics}) next to the client's.
 *
 * <p>Run: {@code java -jar molesignal-bench/target/benchmarks.jar HttpBenchmark -f 1 -wi 6 -i 3 -w 5s -r 5s}
 * (the separate server JVM needs the longer warm-up: its JIT is still compiling after 20 s on a busy 2-core box;
 * both sides get the same warm-up)
 * (PostgreSQL at {@code MS_BENCH_PG_URL}, default {@code jdbc:postgresql://127.0.0.1:5432/test}, user postgres;
 * Loghub samples at {@code MS_LOGHUB}, default {@code ../shared/data/loghub}; the server jar at
 * {@code MS_EXAMPLE_JAR}, default {@code examples/target/molesignal-example.jar}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROOT_PASSWORD = "bench-root-password-1";
    static final Pattern SERVER_TIMER = Pattern.compile(
            "^molesignal_http_requests_seconds_(count|sum)\\{.*route=\"([^\"]+)\".*status=\"200\".*} (\\S+)$");
    static final String DASHBOARD = "SELECT level, count(*) AS n FROM logs WHERE \"stream\" = 'bench' GROUP BY level "
            + "ORDER BY n DESC";

    private String url;
    private String schema;
    private ServerProcess remote;
    private ExampleServer server;
    private HttpClient client;
    private URI base;
    private String jwt;
    private String apiToken;
    private Principal principal;
    private byte[] batch;
    private List<Map<String, Object>> events;
    private byte[] queryBody;
    private LoadClient load;
    private LoadClient.Request ingestRequest;
    private LoadClient.Request queryJwtRequest;
    private LoadClient.Request queryTokenRequest;
    private Map<String, double[]> serverSideBefore = Map.of();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        url = System.getenv().getOrDefault("MS_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        schema = "bench_http_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        remote = ServerProcess.start(schemaUrl, "postgres", Map.of("MS_ROOT_PASSWORD", ROOT_PASSWORD));
        client = HttpClient.newHttpClient();
        base = remote.baseUri();
        String root = post("/api/v1/auth/login", null,
                "{\"org\":\"_meta\",\"email\":\"root@molesignal.local\",\"password\":\"" + ROOT_PASSWORD + "\"}")
                .get("token").asText();
        post("/api/v1/orgs", root, "{\"name\":\"bench\",\"owner_email\":\"o@bench.test\",\"owner_password\":\"bench-owner-pw-1\"}");
        send("PUT", "/api/v1/orgs/bench/quotas", root, "{\"ingest_qps\":null,\"ingest_burst\":null,\"query_qps\":null,"
                + "\"query_burst\":null}");
        jwt = post("/api/v1/auth/login", null, "{\"org\":\"bench\",\"email\":\"o@bench.test\",\"password\":\"bench-owner-pw-1\"}")
                .get("token").asText();
        apiToken = post("/api/v1/auth/tokens", jwt, "{\"name\":\"bench\",\"role\":\"editor\"}").get("token").asText();
        String subject = get("/api/v1/auth/me", jwt).get("subject").asText();
        principal = new Principal(OrgId.of("bench"), subject, Role.OWNER, CredentialKind.JWT, "bench", Set.of());

        Path loghub = Path.of(System.getenv().getOrDefault("MS_LOGHUB", "../shared/data/loghub"));
        List<String> lines = Files.readAllLines(loghub.resolve("OpenSSH_2k.log"), StandardCharsets.UTF_8);
        events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(Map.of("message", lines.get(i), "level", i % 7 == 0 ? "WARN" : "INFO", "service", "sshd",
                    "host", "LabSZ", "line", i));
        }
        batch = JSON.writeValueAsBytes(events);
        queryBody = JSON.writeValueAsBytes(Map.of("sql", DASHBOARD));
        load = new LoadClient(base);
        ingestRequest = load.request("/api/v1/streams/bench/_json", apiToken, batch);
        queryJwtRequest = load.request("/api/v1/query", jwt, queryBody);
        queryTokenRequest = load.request("/api/v1/query", apiToken, queryBody);
        for (int i = 0; i < 5; i++) {
            ingestHttp();
        }
        if (params.getBenchmark().endsWith("InProcess")) {
            // The same server, in this JVM, on the same schema: its pipeline and executor are the baseline.
            ServerConfig cfg = ServerConfig.defaults(Map.of("MS_ROOT_PASSWORD", ROOT_PASSWORD))
                    .withPort(0).withLoginThrottle(false).withDataDir(Files.createTempDirectory("ms-bench"))
                    .withDatabase(schemaUrl, "postgres", "");
            server = ExampleServer.start(cfg);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        load.close();
        if (server != null) {
            server.close();
        }
        remote.close();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /**
     * The server's own view of the measured routes, from {@code /metrics}: per route template, {count, sum of
     * seconds} between the servlet's entry and exit of 200 responses. Compared with the client's figures it tells
     * time spent in the server from time spent on the wire and in the client.
     */
    private Map<String, double[]> serverSideTimes() throws Exception {
        String text = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> byRoute = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SERVER_TIMER.matcher(line);
            if (m.matches() && (m.group(2).contains("query") || m.group(2).contains("_json"))) {
                double[] cs = byRoute.computeIfAbsent(m.group(2), k -> new double[2]);
                cs[m.group(1).equals("count") ? 0 : 1] += Double.parseDouble(m.group(3));
            }
        }
        return byRoute;
    }

    @Setup(Level.Iteration)
    public void snapshotServerSide() throws Exception {
        serverSideBefore = serverSideTimes();
    }

    /** Prints the server-side mean of this iteration's requests (HTTP benchmarks only). */
    @TearDown(Level.Iteration)
    public void printServerSide() throws Exception {
        if (server != null) {
            return; // in-process: the remote server was idle
        }
        serverSideTimes().forEach((route, cs) -> {
            double[] before = serverSideBefore.getOrDefault(route, new double[2]);
            long n = (long) (cs[0] - before[0]);
            if (n > 0) {
                System.out.printf(" [server side: %s %d requests, mean %.3f ms] ", route, n,
                        (cs[1] - before[1]) / n * 1000);
            }
        });
    }

    private JsonNode post(String path, String token, String body) throws Exception {
        return send("POST", path, token, body);
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        b.header("Authorization", "Bearer " + token);
        return JSON.readTree(client.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** One measured request through the {@link LoadClient}; anything but 200 fails the benchmark. */
    private long measured(LoadClient.Request request) throws Exception {
        long r = load.exchange(request);
        if (r % 1000 != 200) {
            throw new IllegalStateException("HTTP " + (r % 1000));
        }
        return r;
    }

    /** 1,000 events over HTTP with the API token (the usual shipper credential). */
    @Benchmark
    public long ingestHttp() throws Exception {
        return measured(ingestRequest);
    }

    /** The same 1,000 events through the same IngestPipeline, in-process (body parsing included). */
    @Benchmark
    public int ingestInProcess() {
        IngestResult r = server.pipeline().ingest(principal, ExampleTables.LOGS, "bench", batch,
                IngestPipeline.Format.JSON_ARRAY);
        return r.ingested();
    }

    @Benchmark
    public long queryHttpJwt() throws Exception {
        return measured(queryJwtRequest);
    }

    @Benchmark
    public long queryHttpApiToken() throws Exception {
        return measured(queryTokenRequest);
    }

    /** The same query in-process: the quota decision, then the executor (plan cache, PostgreSQL). */
    @Benchmark
    public int queryInProcess() {
        RateDecision d = server.quotas().tryAcquireQuery(principal);
        QueryResult r = server.queryExecutor().execute(principal, DASHBOARD, List.of());
        return r.rows().size() + (d.allowed() ? 1 : 0);
    }
}
