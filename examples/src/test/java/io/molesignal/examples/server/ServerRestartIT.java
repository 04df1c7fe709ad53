package io.molesignal.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Restarts on the same (embedded H2) database: state survives, signing keys are not regenerated, signing keys are
 * sealed with the real root-key sealer and survive a root-key rotation, and a deployment whose keys were sealed
 * refuses to start without the root key.
 */
class ServerRestartIT {
    static final String K1 = Base64.getEncoder().encodeToString(bytes(1));
    static final String K2 = Base64.getEncoder().encodeToString(bytes(2));

    static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    static Map<String, String> env(String key, String previous) {
        Map<String, String> env = new HashMap<>();
        env.put("MS_ROOT_PASSWORD", "root-password-for-tests-1");
        if (key != null) {
            env.put("MS_CIPHER_KEY", key);
        }
        if (previous != null) {
            env.put("MS_CIPHER_KEY_PREVIOUS", previous);
        }
        return env;
    }

    static ServerConfig cfg(Path dir, Map<String, String> env) {
        return ServerConfig.defaults(env).withPort(0).withDataDir(dir).withLoginThrottle(false);
    }

    static List<String> signingKeys(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("molesignal"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT kid, sealed, key_value FROM ms_auth_signing_key ORDER BY kid")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getBoolean(2) + "|" + rs.getString(3).length());
            }
        }
        return out;
    }

    @Test
    void stateSurvivesRestartsAndSealedKeysSurviveARootKeyRotation() throws Exception {
        Path dir = Files.createTempDirectory("ms-restart");
        String ownerToken;
        String apiToken;
        List<String> keysBefore;
        try (ExampleServer s = ExampleServer.start(cfg(dir, env(K1, null)))) {
            Http http = new Http(s.baseUri());
            ExampleServerContract c = new ExampleServerContract() {
                @Override
                ServerConfig config(ServerConfig base) {
                    return base;
                }
            };
            c.http = http;
            String root = c.root();
            ownerToken = c.org(root, "acme");
            assertThat(http.send("PUT", "/api/v1/orgs/acme/quotas", root, "{\"query_qps\": 7}").status()).isEqualTo(200);
            assertThat(http.post("/api/v1/cipher_keys", ownerToken, "{\"name\":\"pii\"}").status()).isEqualTo(201);
            assertThat(http.send("PUT", "/api/v1/streams/app/function", ownerToken,
                    "{\"vrl\":\".email = encrypt!(.email, \\\"pii\\\")\"}").status()).isEqualTo(200);
            assertThat(http.post("/api/v1/streams/app/_json", ownerToken, "[{\"message\":\"m\",\"email\":\"e@x.y\"}]")
                    .json().get("ingested").asInt()).isEqualTo(1);
            apiToken = http.post("/api/v1/auth/tokens", ownerToken, "{\"name\":\"ci\",\"role\":\"viewer\"}").json()
                    .get("token").asText();
        }
        keysBefore = signingKeys(dir);
        assertThat(keysBefore).isNotEmpty().allMatch(k -> k.contains("|true|"));

        // Rotate the root key: stored keys are re-sealed, nothing is regenerated, old tokens and data still work.
        try (ExampleServer s = ExampleServer.start(cfg(dir, env(K2, K1)))) {
            Http http = new Http(s.baseUri());
            assertThat(http.get("/api/v1/auth/me", ownerToken).status()).isEqualTo(200);
            assertThat(http.get("/api/v1/auth/me", apiToken).json().get("credential").asText()).isEqualTo("api_token");
            assertThat(http.get("/api/v1/quotas", apiToken).json().at("/limits/query_qps").asLong()).isEqualTo(7);
            assertThat(http.get("/api/v1/streams/app/function", apiToken).status()).isEqualTo(200);
            Http.Response q = http.post("/api/v1/query", ownerToken, ExampleServerContract.sql(
                    "SELECT decrypt(json_value(attributes, '$.email'), 'pii') FROM logs"));
            assertThat(q.json().get("rows").toString()).as(q.body()).isEqualTo("[[\"e@x.y\"]]");
        }
        assertThat(signingKeys(dir)).extracting(k -> k.substring(0, k.indexOf('|')))
                .containsExactlyElementsOf(keysBefore.stream().map(k -> k.substring(0, k.indexOf('|'))).toList());

        // Without the root key the deployment refuses to start, saying why.
        assertThatThrownBy(() -> ExampleServer.start(cfg(dir, env(null, null))).close())
                .hasMessageContaining("MS_CIPHER_KEY");
        // A malformed key stops start-up naming the variable, never the value.
        assertThatThrownBy(() -> ExampleServer.start(cfg(dir, env("not-base64-!!", null))).close())
                .hasMessageContaining("MS_CIPHER_KEY").hasMessageNotContaining("not-base64-!!");
        // The previous key is no longer needed.
        try (ExampleServer s = ExampleServer.start(cfg(dir, env(K2, null)))) {
            assertThat(new Http(s.baseUri()).get("/api/v1/auth/me", ownerToken).status()).isEqualTo(200);
        }
    }
}
