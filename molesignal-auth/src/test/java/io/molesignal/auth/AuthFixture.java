package io.molesignal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.molesignal.core.CursorCodec;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.org.OrgDirectory;
import io.molesignal.core.spi.SecretSealer;
import io.molesignal.core.testing.FakeTicker;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDb;

/** One application instance over a test database: audit log, org directory and auth, on a fake clock and ticker. */
final class AuthFixture implements AutoCloseable {
    final Database database;
    final MutableClock clock;
    final FakeTicker ticker = new FakeTicker();
    final AuditLog auditLog;
    final OrgDirectory orgs;
    final MoleSignalAuth auth;
    final List<Runnable> deferred = new ArrayList<>();

    AuthFixture(Database database, MutableClock clock, SecretSealer sealer, boolean throttle) {
        this.database = database;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        this.auditLog = AuditLog.builder(database).clock(clock).ticker(ticker).build();
        CursorCodec cursors = CursorCodec.load(database, null, random, clock);
        this.orgs = OrgDirectory.builder(database, auditLog, cursors).clock(clock).build();
        MoleSignalAuth.Builder b = MoleSignalAuth.builder(database, auditLog, orgs, cursors).clock(clock)
                .ticker(ticker).random(random).sealer(sealer).insecureArgon2ForTests(64, 1)
                .executor(deferred::add);
        if (!throttle) {
            b.disableLoginThrottleForTests();
        }
        this.auth = b.build();
    }

    /** Runs the deferred background work (last-used writes). */
    int runDeferred() {
        List<Runnable> copy = new ArrayList<>(deferred);
        deferred.clear();
        copy.forEach(Runnable::run);
        return copy.size();
    }

    Principal principal(String token) {
        AuthResult r = auth.authenticator().authenticate("Bearer " + token);
        assertThat(r).isInstanceOf(AuthResult.Authenticated.class);
        return ((AuthResult.Authenticated) r).principal();
    }

    AuthResult.Rejected rejected(String header) {
        AuthResult r = auth.authenticator().authenticate(header);
        assertThat(r).isInstanceOf(AuthResult.Rejected.class);
        return (AuthResult.Rejected) r;
    }

    static AuditContext ctx(Principal p) {
        return MoleSignalAuth.auditContext(p, "req-1", "10.0.0.1");
    }

    @Override
    public void close() {
        auth.close();
        auditLog.close();
    }

    // --- raw database helpers ---

    static String queryString(TestDb db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant queryInstant(TestDb db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1, java.time.OffsetDateTime.class).toInstant() : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (bounded) until a count query reaches {@code expected}; for entries the audit coalescer writes async. */
    static long awaitCount(TestDb db, String sql, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long n = db.queryLong(sql);
        while (n < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            n = db.queryLong(sql);
        }
        return n;
    }

    // --- JWT forging with the real key (attack tests) ---

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String forge(String headerJson, String claimsJson, String macAlgorithm, byte[] key) {
        String input = b64(headerJson) + "." + b64(claimsJson);
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(key, macAlgorithm));
            byte[] sig = mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long epoch(Instant i) {
        return i.getEpochSecond();
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    static OrgId org(String s) {
        return OrgId.of(s);
    }
}
