package io.molesignal.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.molesignal.core.testing.MutableClock;

/**
 * The running server purges expired login sessions on its own: with the wall clock moved past a session's expiry
 * plus the one-day grace of {@code MoleSignalAuth.purgeExpiredSessions()}, its {@code ms_auth_session} row goes away
 * while a fresh session stays and keeps working. The purge interval is shortened; the test waits for the row to go
 * (bounded), it asserts no durations.
 */
class SessionPurgeIT {
    static final String ROOT_LOGIN = "{\"org\":\"_meta\",\"email\":\"root@molesignal.local\","
            + "\"password\":\"root-password-for-tests-1\"}";

    static List<Instant> sessionExpiries(Path dir) throws Exception {
        List<Instant> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("molesignal"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT expires_at FROM ms_auth_session ORDER BY expires_at")) {
            while (rs.next()) {
                out.add(rs.getTimestamp(1).toInstant());
            }
        }
        return out;
    }

    @Test
    void expiredSessionsArePurgedByTheRunningServer() throws Exception {
        Path dir = Files.createTempDirectory("ms-purge");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));
        ServerConfig cfg = ServerConfig.defaults(Map.of("MS_ROOT_PASSWORD", "root-password-for-tests-1"))
                .withPort(0).withDataDir(dir).withLoginThrottle(false).withClock(clock)
                .withSessionPurgeInterval(Duration.ofMillis(50));
        try (ExampleServer s = ExampleServer.start(cfg)) {
            Http http = new Http(s.baseUri());
            assertThat(http.send("POST", "/api/v1/auth/login", null, ROOT_LOGIN).status()).isEqualTo(200);
            List<Instant> first = sessionExpiries(dir);
            assertThat(first).hasSize(1);
            // Well before the cutoff (expiry + 1 day) nothing is purged, even after many purge runs.
            clock.advance(Duration.ofHours(12));
            Http.Response fresh = http.send("POST", "/api/v1/auth/login", null, ROOT_LOGIN);
            assertThat(fresh.status()).isEqualTo(200);
            awaitPurgeRuns(s, 3);
            assertThat(sessionExpiries(dir)).hasSize(2);

            // The first session is now more than a day past its expiry; the second expired less than a day ago.
            clock.advance(Duration.ofHours(13).plusMinutes(1));
            Http.Response third = http.send("POST", "/api/v1/auth/login", null, ROOT_LOGIN);
            assertThat(third.status()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sessionExpiries(dir).contains(first.get(0)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<Instant> left = sessionExpiries(dir);
            assertThat(left).hasSize(2).doesNotContain(first.get(0));
            assertThat(http.send("GET", "/api/v1/auth/me", third.json().get("token").asText(), null).status())
                    .isEqualTo(200);
        }
    }

    /** Waits (bounded) until the server's purge job has run at least {@code n} more times. */
    private static void awaitPurgeRuns(ExampleServer s, int n) throws InterruptedException {
        long start = s.sessionPurgeRuns();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (s.sessionPurgeRuns() < start + n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(s.sessionPurgeRuns()).isGreaterThanOrEqualTo(start + n);
    }
}
