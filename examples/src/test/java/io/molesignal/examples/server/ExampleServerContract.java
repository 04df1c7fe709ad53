package io.molesignal.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Black-box tests of API.md over real HTTP; subclasses choose the database. */
abstract class ExampleServerContract {
    static final String ROOT_PASSWORD = "root-password-for-tests-1";
    static final String CIPHER_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    ExampleServer server;
    Http http;
    Path dataDir;

    /** The config: database and environment. */
    abstract ServerConfig config(ServerConfig base);

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("MS_ROOT_PASSWORD", ROOT_PASSWORD);
        env.put("MS_CIPHER_KEY", CIPHER_KEY);
        return env;
    }

    @BeforeEach
    void start() throws Exception {
        dataDir = Files.createTempDirectory("ms-server");
        server = ExampleServer.start(config(ServerConfig.defaults(env()).withPort(0).withDataDir(dataDir)
                .withLoginThrottle(false)));
        http = new Http(server.baseUri());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    String login(String org, String email, String password) {
        Http.Response r = http.post("/api/v1/auth/login", null,
                Http.JSON.createObjectNode().put("org", org).put("email", email).put("password", password).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    String root() {
        return login("_meta", "root@molesignal.local", ROOT_PASSWORD);
    }

    /** Creates an org with its owner and returns the owner's JWT. */
    String org(String rootToken, String name) {
        Http.Response r = http.post("/api/v1/orgs", rootToken, Http.JSON.createObjectNode().put("name", name)
                .put("owner_email", "owner@" + name + ".test").put("owner_password", "owner-password-" + name).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return login(name, "owner@" + name + ".test", "owner-password-" + name);
    }

    static String sql(String sql) {
        return Http.JSON.createObjectNode().put("sql", sql).toString();
    }

    static String j(String json) {
        return json.replace('\'', '"');
    }

    @Test
    void healthMetricsAndUnauthenticatedRequests() {
        assertThat(http.get("/api/v1/healthz", null).json().get("status").asText()).isEqualTo("ok");
        Http.Response noAuth = http.get("/api/v1/auth/me", null);
        assertThat(noAuth.status()).isEqualTo(401);
        assertThat(noAuth.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(noAuth.header("Content-Type")).startsWith("application/problem+json");
        assertThat(noAuth.code()).isEqualTo("UNAUTHENTICATED");
        Http.Response bad = http.get("/api/v1/auth/me", "not-a-token");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        Http.Response metrics = http.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("molesignal_http_requests").contains("jvm_memory");
    }

    @Test
    void rootCreatesAnOrgWhoseOwnerLogsInAndRunsTheDataPlane() {
        String root = root();
        String acme = org(root, "acme");
        JsonNode me = http.get("/api/v1/auth/me", acme).json();
        assertThat(me.get("org").asText()).isEqualTo("acme");
        assertThat(me.get("role").asText()).isEqualTo("owner");
        assertThat(me.get("credential").asText()).isEqualTo("jwt");

        Http.Response key = http.post("/api/v1/cipher_keys", acme, j("{'name':'pii','kind':'aes256_gcm'}"));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        Http.Response fn = http.send("PUT", "/api/v1/streams/app/function", acme,
                j("{'vrl':'.email = encrypt!(.email, \\\"pii\\\")\\ndel(.password)'}"));
        assertThat(fn.status()).as(fn.body()).isEqualTo(200);

        Http.Response ingest = http.post("/api/v1/streams/app/_json", acme,
                j("[{'message':'hello','level':'INFO','email':'a@b.c','password':'x'},{'message':'two','level':'ERROR'}]"));
        assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
        assertThat(ingest.json().get("ingested").asInt()).isEqualTo(2);
        assertThat(ingest.header("RateLimit-Policy")).isEqualTo("\"ingest\";q=20000;w=2");
        assertThat(ingest.header("RateLimit")).startsWith("\"ingest\";r=");

        Http.Response q = http.post("/api/v1/query", acme, j("{'sql':'SELECT level, count(*) AS n FROM logs GROUP BY level ORDER BY level'}"));
        assertThat(q.status()).as(q.body()).isEqualTo(200);
        assertThat(q.json().get("rows").toString()).isEqualTo("[[\"ERROR\",1],[\"INFO\",1]]");
        assertThat(q.header("RateLimit-Policy")).isEqualTo("\"query\";q=100;w=2");

        Http.Response dec = http.post("/api/v1/query", acme, sql(
                "SELECT decrypt(json_value(attributes, '$.email'), 'pii') AS email FROM logs WHERE message = 'hello'"));
        assertThat(dec.status()).as(dec.body()).isEqualTo(200);
        assertThat(dec.json().get("rows").toString()).isEqualTo("[[\"a@b.c\"]]");
    }
}
