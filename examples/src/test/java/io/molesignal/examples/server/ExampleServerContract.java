package io.molesignal.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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
        Http.Response big = http.post("/api/v1/auth/login", null, "[" + "1,".repeat(6 * 1024 * 1024) + "1]");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.code()).isEqualTo("BODY_TOO_LARGE");
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

    /** Two orgs, each with an owner; beta's owner tries every route against acme's resources. */
    @Test
    void everyRouteHoldsItsRulesAndKeepsTwoOrgsApart() throws Exception {
        String root = root();
        String acme = org(root, "acme");
        String beta = org(root, "beta");

        // Users: create, list, patch, delete; rules on owners and oneself; another org's id is 404.
        Http.Response u = http.post("/api/v1/users", acme, j("{'email':'ed@acme.test','password':'editor-password-1','role':'editor'}"));
        assertThat(u.status()).as(u.body()).isEqualTo(201);
        String edId = u.json().get("id").asText();
        assertThat(http.post("/api/v1/users", acme, j("{'email':'ed@acme.test','password':'editor-password-1','role':'viewer'}")).code())
                .isEqualTo("CONFLICT");
        assertThat(http.get("/api/v1/users", acme).json().get("users").size()).isEqualTo(2);
        assertThat(http.get("/api/v1/users", beta).json().get("users").size()).isEqualTo(1);
        assertThat(http.send("PATCH", "/api/v1/users/" + edId, beta, j("{'role':'viewer'}")).status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/api/v1/users/" + edId, beta, null).status()).isEqualTo(404);
        Http.Response patched = http.send("PATCH", "/api/v1/users/" + edId, acme, j("{'role':'viewer'}"));
        assertThat(patched.json().get("role").asText()).isEqualTo("viewer");
        String ownerId = http.get("/api/v1/auth/me", acme).json().get("subject").asText();
        assertThat(http.send("PATCH", "/api/v1/users/" + ownerId, acme, j("{'role':'admin'}")).code()).isEqualTo("CONFLICT");
        String ed = login("acme", "ed@acme.test", "editor-password-1");
        assertThat(http.get("/api/v1/users", ed).status()).isEqualTo(403);
        assertThat(http.post("/api/v1/users", ed, j("{'email':'x@acme.test','password':'password-12345','role':'viewer'}")).code())
                .isEqualTo("FORBIDDEN");

        // API tokens: minted with a JWT only, capped at the caller's role, scopes enforced, revocation immediate.
        Http.Response t = http.post("/api/v1/auth/tokens", acme, j("{'name':'ingest-only','role':'editor','scopes':['ingest']}"));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        String ingestToken = t.json().get("token").asText();
        assertThat(t.json().get("token").asText()).startsWith("ms_");
        assertThat(http.post("/api/v1/auth/tokens", ingestToken, j("{'name':'x','role':'viewer'}")).code()).isEqualTo("FORBIDDEN");
        assertThat(http.post("/api/v1/auth/tokens", ed, j("{'name':'x','role':'owner'}")).status()).isEqualTo(403);
        assertThat(http.post("/api/v1/streams/s1/_json", ingestToken, "[{\"message\":\"m\"}]").status()).isEqualTo(200);
        assertThat(http.post("/api/v1/query", ingestToken, sql("SELECT 1")).code()).isEqualTo("FORBIDDEN");
        assertThat(http.get("/api/v1/auth/me", ingestToken).code()).isEqualTo("FORBIDDEN");
        JsonNode tokens = http.get("/api/v1/auth/tokens", acme).json().get("tokens");
        assertThat(tokens.toString()).doesNotContain(ingestToken).contains("ingest-only");
        assertThat(http.get("/api/v1/auth/tokens", beta).json().get("tokens").size()).isZero();
        String tokenId = tokens.get(0).get("id").asText();
        assertThat(http.send("DELETE", "/api/v1/auth/tokens/" + tokenId, beta, null).status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/api/v1/auth/tokens/" + tokenId, acme, null).status()).isEqualTo(204);
        assertThat(http.post("/api/v1/streams/s1/_json", ingestToken, "[{\"message\":\"m\"}]").status()).isEqualTo(401);

        // Credentials: two Authorization headers, Basic, and a token in the query string are refused.
        assertThat(http.send("GET", "/api/v1/auth/me", null, null, "Authorization", "Bearer " + acme,
                "Authorization", "Bearer " + beta).status()).isEqualTo(401);
        assertThat(http.send("GET", "/api/v1/auth/me", null, null, "Authorization", "Basic dXNlcjpwYXNz").status())
                .isEqualTo(401);
        assertThat(http.get("/api/v1/auth/me?access_token=" + acme, null).status()).isEqualTo(401);
        assertThat(http.send("GET", "/api/v1/auth/me", null, null, "Authorization", "bearer " + acme).status())
                .isEqualTo(200);

        // Cipher keys: another org's key name is 404; the primary version cannot be disabled.
        assertThat(http.post("/api/v1/cipher_keys", acme, j("{'name':'k1','kind':'aes256_siv'}")).status()).isEqualTo(201);
        assertThat(http.get("/api/v1/cipher_keys/k1", beta).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/cipher_keys", beta).json().get("keys").size()).isZero();
        assertThat(http.post("/api/v1/cipher_keys/k1/rotate", acme, null).json().get("primary_version").asInt()).isEqualTo(2);
        assertThat(http.post("/api/v1/cipher_keys/k1/versions/2/disable", acme, null).code()).isEqualTo("CONFLICT");
        assertThat(http.post("/api/v1/cipher_keys/k1/versions/1/disable", acme, null).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/cipher_keys/k1/versions/1/enable", acme, null).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/cipher_keys/k1/rotate", beta, null).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/cipher_keys/k1", acme).body()).doesNotContain("key_material").doesNotContain("keyset");

        // Streams and functions: another org sees none of them.
        assertThat(http.send("PUT", "/api/v1/streams/s1/function", acme, j("{'vrl':'.x = 1'}")).status()).isEqualTo(200);
        Http.Response badVrl = http.send("PUT", "/api/v1/streams/s1/function", acme, j("{'vrl':'.x = '}"));
        assertThat(badVrl.code()).isEqualTo("VRL_COMPILE");
        assertThat(badVrl.json().has("line")).isTrue();
        assertThat(http.get("/api/v1/streams/s1/function", beta).status()).isEqualTo(404);
        assertThat(http.post("/api/v1/functions/test", acme, j("{'vrl':'.y = upcase!(.m)','events':[{'m':'a'},{'m':1}]}"))
                .json().toString()).contains("\"y\":\"A\"").contains("VRL_RUNTIME");
        assertThat(http.post("/api/v1/spans/s1/_json", acme, j("[{'trace_id':'t','span_id':'s','name':'op','duration_ms':5}]"))
                .json().get("ingested").asInt()).isEqualTo(1);
        assertThat(http.post("/api/v1/metrics/s1/_json", acme, j("[{'name':'cpu','value':0.5}]")).json().get("ingested").asInt())
                .isEqualTo(1);
        Http.Response nd = http.send("POST", "/api/v1/streams/s1/_json", acme, "{\"message\":\"n1\"}\n{\"message\":\"n2\"}\n",
                "Content-Type", "application/x-ndjson");
        assertThat(nd.json().get("ingested").asInt()).isEqualTo(2);
        JsonNode streams = http.get("/api/v1/streams", acme).json().get("streams");
        assertThat(streams.toString()).contains("\"name\":\"s1\"").contains("\"spans\":1").contains("\"metrics\":1");
        assertThat(http.get("/api/v1/streams", beta).json().get("streams").size()).isZero();
        assertThat(http.send("DELETE", "/api/v1/streams/s1", beta, null).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/streams", acme).json().get("streams").get(0).get("logs").asInt()).isEqualTo(3);

        // Query and schema: only the caller's rows; the audit store is not a table a tenant can read.
        assertThat(http.post("/api/v1/query", beta, sql("SELECT count(*) FROM logs")).json().get("rows").toString())
                .isEqualTo("[[0]]");
        assertThat(http.post("/api/v1/query", acme, sql("SELECT count(*) FROM ms_audit_entry")).code()).isEqualTo("SQL_VALIDATE");
        assertThat(http.post("/api/v1/query", acme, sql("DELETE FROM logs")).code()).isEqualTo("SQL_UNSUPPORTED");
        Http.Response parse = http.post("/api/v1/query", acme, sql("SELECT FROM WHERE"));
        assertThat(parse.code()).isEqualTo("SQL_PARSE");
        assertThat(parse.json().has("line")).isTrue();
        assertThat(http.get("/api/v1/schema", acme).json().toString()).contains("\"name\":\"logs\"")
                .contains("\"kind\":\"shared\"").doesNotContain("ms_audit");
        Http.Response typed = http.post("/api/v1/query", acme, sql("SELECT ts, CAST(1.5 AS DECIMAL(3,1)) AS d, "
                + "size_bytes, attributes FROM logs ORDER BY ts LIMIT 1"));
        assertThat(typed.json().get("columns").toString()).as(typed.body()).contains("\"type\":\"timestamp\"")
                .contains("\"type\":\"decimal\"").contains("\"type\":\"integer\"").contains("\"type\":\"json\"");
        assertThat(typed.json().at("/rows/0/0").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(typed.json().at("/rows/0/1").isTextual()).isTrue();
        assertThat(typed.json().at("/rows/0/2").isIntegralNumber()).isTrue();
        Http.Response limited = http.post("/api/v1/query", acme, j("{'sql':'SELECT message FROM logs','limit':1}"));
        assertThat(limited.json().get("truncated").asBoolean()).isTrue();
        assertThat(limited.json().get("rows").size()).isEqualTo(1);

        // Stream deletion by the owner drops the events and the usage.
        assertThat(http.send("DELETE", "/api/v1/streams/s1", acme, null).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/streams", acme).json().get("streams").size()).isZero();
        assertThat(http.get("/api/v1/quotas", acme).json().at("/usage/storage_bytes").asLong()).isZero();

        // Audit: each org's own entries; root's org actions recorded in the org; verify per org.
        JsonNode audit = http.get("/api/v1/audit?limit=1000", acme).json().get("entries");
        assertThat(audit.toString()).contains("user.create").contains("auth.token.create").contains("cipher_key.rotate")
                .contains("stream.delete").contains("org.create").doesNotContain("beta");
        JsonNode creates = http.get("/api/v1/audit?action=user.create&outcome=denied", acme).json().get("entries");
        assertThat(creates.size()).isEqualTo(1);
        assertThat(creates.get(0).get("status").asInt()).isEqualTo(403);
        assertThat(creates.get(0).at("/actor/type").asText()).isEqualTo("user");
        Http.Response foreignCursor = http.get("/api/v1/audit?limit=1&cursor="
                + http.get("/api/v1/audit?limit=1", beta).json().get("next_cursor").asText(), acme);
        assertThat(foreignCursor.code()).isEqualTo("INVALID_INPUT");
        assertThat(http.get("/api/v1/audit/verify", acme).json().get("ok").asBoolean()).isTrue();
        assertThat(http.get("/api/v1/audit/verify", ed).status()).isEqualTo(403);

        // Orgs are the root's: an owner cannot list or create them; quotas go live.
        assertThat(http.get("/api/v1/orgs", acme).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/orgs", root).json().get("orgs").size()).isEqualTo(3);
        JsonNode org = http.get("/api/v1/orgs/acme", root).json();
        assertThat(org.at("/limits/query_qps").asLong()).isEqualTo(50);
        assertThat(http.get("/api/v1/orgs/nope", root).status()).isEqualTo(404);
        JsonNode limits = http.send("PUT", "/api/v1/orgs/beta/quotas", root, j("{'query_qps':1}")).json();
        assertThat(limits.get("query_burst").asLong()).isEqualTo(2);
        assertThat(http.post("/api/v1/query", beta, sql("SELECT 1")).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/query", beta, sql("SELECT 1")).status()).isEqualTo(200);
        Http.Response limitedQ = http.post("/api/v1/query", beta, sql("SELECT 1"));
        assertThat(limitedQ.status()).isEqualTo(429);
        assertThat(limitedQ.code()).isEqualTo("QUOTA_QUERY_RATE");
        assertThat(Long.parseLong(limitedQ.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(limitedQ.header("RateLimit-Policy")).isEqualTo("\"query\";q=2;w=2");
        assertThat(http.post("/api/v1/query", acme, sql("SELECT 1")).status()).isEqualTo(200);
        assertThat(http.send("PATCH", "/api/v1/orgs/beta", root, j("{'disabled':true}")).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/auth/me", beta).status()).isEqualTo(401);

        // Key rotation (owner, JWT only); logout ends that JWT; a password change ends the others.
        JsonNode rot = http.post("/api/v1/auth/jwt/rotate", acme, j("{'grace_seconds':0}")).json();
        assertThat(rot.get("active_kid").asText()).isNotEqualTo(rot.get("retiring_kid").asText());
        assertThat(http.get("/api/v1/auth/me", acme).status()).isEqualTo(401);
        String acme2 = login("acme", "owner@acme.test", "owner-password-acme");
        String acme3 = login("acme", "owner@acme.test", "owner-password-acme");
        assertThat(http.post("/api/v1/auth/logout", acme2, null).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/auth/me", acme2).status()).isEqualTo(401);
        assertThat(http.post("/api/v1/auth/password", acme3, j("{'current_password':'owner-password-acme','new_password':'new-owner-password-1'}"))
                .status()).isEqualTo(204);
        assertThat(http.get("/api/v1/auth/me", acme3).status()).isEqualTo(200);
        Http.Response wrong = http.post("/api/v1/auth/login", null, j("{'org':'acme','email':'owner@acme.test','password':'owner-password-acme'}"));
        assertThat(wrong.code()).isEqualTo("INVALID_CREDENTIALS");
        Http.Response unknown = http.post("/api/v1/auth/login", null, j("{'org':'acme','email':'nobody@acme.test','password':'owner-password-acme'}"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo(wrong.body());

        // Bad input: malformed JSON, an oversized body, a bad request id (replaced).
        assertThat(http.post("/api/v1/users", acme3, "{not json").code()).isEqualTo("INVALID_INPUT");
        Http.Response rid = http.send("GET", "/api/v1/auth/me", acme3, null, "X-Request-Id", "bad id!");
        assertThat(rid.header("X-Request-Id")).matches("[A-Za-z0-9._-]{1,64}").isNotEqualTo("bad id!");
        assertThat(http.send("GET", "/api/v1/auth/me", acme3, null, "X-Request-Id", "req-42").header("X-Request-Id"))
                .isEqualTo("req-42");

        // Metrics name no org, e-mail, key id or token prefix, and carry no plan-cache counters.
        String metrics = http.get("/metrics", null).body();
        assertThat(metrics).doesNotContain("acme").doesNotContain("beta").doesNotContain("@")
                .doesNotContain(rot.get("active_kid").asText()).doesNotContainIgnoringCase("plan_cache")
                .contains("molesignal_auth_failures_total").contains("molesignal_quota_rejections_total")
                .contains("hikaricp_connections");
    }

    @Test
    void theFiveLoghubLogsIngestedOverHttpForTwoOrgsCountAndStayApart() throws Exception {
        String root = root();
        Map<String, String> owners = Map.of("acme", org(root, "acme"), "beta", org(root, "beta"));
        Map<String, Integer> expected = new HashMap<>();
        for (String system : io.molesignal.examples.integration.Loghub.SYSTEMS) {
            List<Map<String, Object>> events = io.molesignal.examples.integration.Loghub.events(system);
            expected.put(system.toLowerCase(java.util.Locale.ROOT), events.size());
            for (var owner : owners.entrySet()) {
                for (int from = 0; from < events.size(); from += 1000) {
                    List<Map<String, Object>> batch = new java.util.ArrayList<>();
                    for (Map<String, Object> e : events.subList(from, Math.min(events.size(), from + 1000))) {
                        Map<String, Object> ev = new HashMap<>(e);
                        ev.put("message", ev.remove("Content"));
                        ev.put("org_id", owner.getKey().equals("acme") ? "beta" : "acme");
                        batch.add(ev);
                    }
                    Http.Response r = http.post("/api/v1/streams/" + system.toLowerCase(java.util.Locale.ROOT) + "/_json",
                            owner.getValue(), Http.JSON.writeValueAsString(batch));
                    assertThat(r.json().get("failed").asInt()).as(r.body()).isZero();
                }
            }
        }
        for (var owner : owners.entrySet()) {
            JsonNode rows = http.post("/api/v1/query", owner.getValue(), sql(
                    "SELECT \"stream\", count(*) AS n, count(DISTINCT org_id) AS orgs, min(org_id) AS org "
                            + "FROM logs GROUP BY \"stream\" ORDER BY 1")).json().get("rows");
            assertThat(rows.size()).isEqualTo(5);
            for (JsonNode row : rows) {
                assertThat(row.get(1).asInt()).isEqualTo(expected.get(row.get(0).asText()));
                assertThat(row.get(2).asInt()).isEqualTo(1);
                assertThat(row.get(3).asText()).isEqualTo(owner.getKey());
            }
            JsonNode streams = http.get("/api/v1/streams", owner.getValue()).json().get("streams");
            assertThat(streams.size()).isEqualTo(5);
        }
        JsonNode ssh = http.post("/api/v1/query", owners.get("beta"), sql("SELECT message FROM logs WHERE "
                + "json_value(attributes, '$.LineId') = '2' AND \"stream\" = 'openssh'")).json().get("rows");
        assertThat(ssh.toString()).isEqualTo("[[\"Invalid user webmaster from 173.234.31.186\"]]");
    }
}
