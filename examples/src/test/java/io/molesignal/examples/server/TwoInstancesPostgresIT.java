package io.molesignal.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

/** Two example servers on one PostgreSQL: tokens issued by one work on the other; a revocation reaches it in 30 s. */
class TwoInstancesPostgresIT {

    @Test
    void aSecondInstanceAcceptsTokensOfTheFirstAndSeesARevocationWithinThirtySeconds() throws Exception {
        try (TestDb db = TestDatabases.postgres("two_instances")) {
            Map<String, String> env = Map.of("MS_ROOT_PASSWORD", ExampleServerContract.ROOT_PASSWORD,
                    "MS_CIPHER_KEY", ExampleServerContract.CIPHER_KEY);
            ServerConfig cfg = ServerConfig.defaults(env).withPort(0).withLoginThrottle(false)
                    .withDataDir(Files.createTempDirectory("ms-two"))
                    .withDatabase(TestDatabases.postgresUrl() + "?currentSchema=" + db.schema(),
                            TestDatabases.postgresUser(), "");
            try (ExampleServer first = ExampleServer.start(cfg); ExampleServer second = ExampleServer.start(cfg)) {
                Http a = new Http(first.baseUri());
                Http b = new Http(second.baseUri());
                ExampleServerContract c = new ExampleServerContract() {
                    @Override
                    ServerConfig config(ServerConfig base) {
                        return base;
                    }
                };
                c.http = a;
                String owner = c.org(c.root(), "acme");
                String apiToken = a.post("/api/v1/auth/tokens", owner, "{\"name\":\"t\",\"role\":\"viewer\"}").json()
                        .get("token").asText();
                String tokenId = a.get("/api/v1/auth/tokens", owner).json().at("/tokens/0/id").asText();
                // Tokens issued by the first instance work on the second (one database, per-org keys in it).
                // An unknown kid triggers a key reload, at most once per second per instance: a token of an org
                // created a moment ago may need that second.
                int seen = b.get("/api/v1/auth/me", owner).status();
                for (int i = 0; i < 8 && seen != 200; i++) {
                    Thread.sleep(250);
                    seen = b.get("/api/v1/auth/me", owner).status();
                }
                assertThat(seen).isEqualTo(200);
                assertThat(b.get("/api/v1/auth/me", apiToken).status()).isEqualTo(200);
                // Revoked on the first: refused there at once, and on the second within 30 s.
                assertThat(a.send("DELETE", "/api/v1/auth/tokens/" + tokenId, owner, null).status()).isEqualTo(204);
                assertThat(a.get("/api/v1/auth/me", apiToken).status()).isEqualTo(401);
                Instant revoked = Instant.now();
                int status = 200;
                while (status == 200 && Duration.between(revoked, Instant.now()).toSeconds() < 35) {
                    status = b.get("/api/v1/auth/me", apiToken).status();
                    if (status == 200) {
                        Thread.sleep(500); // polling another process's cache, not waiting on our own clock
                    }
                }
                assertThat(status).isEqualTo(401);
                assertThat(Duration.between(revoked, Instant.now())).isLessThanOrEqualTo(Duration.ofSeconds(31));
                // A rotation on the first instance: the second learns the new kid on first sight.
                String fresh = c.login("acme", "owner@acme.test", "owner-password-acme");
                a.post("/api/v1/auth/jwt/rotate", fresh, "{\"grace_seconds\":86400}");
                String afterRotation = c.login("acme", "owner@acme.test", "owner-password-acme");
                assertThat(b.get("/api/v1/auth/me", afterRotation).status()).isEqualTo(200);
            }
        }
    }
}
