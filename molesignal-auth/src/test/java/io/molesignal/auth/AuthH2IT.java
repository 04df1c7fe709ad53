package io.molesignal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;
import io.molesignal.core.testing.TestSecretSealer;

class AuthH2IT extends AuthContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.h2(name);
    }

    @Test
    void unknownKidFloodFromManyThreadsReloadsOnceSingleFlight() throws Exception {
        app.ticker.advance(java.time.Duration.ofSeconds(2));
        long before = app.auth.signingKeyReloads();
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<AuthResult>> fs = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String t = forgeAcme(header("HS256", "floodkid" + (100000000000000L + i), ""), claims(null), "HmacSHA256");
            fs.add(ex.submit(() -> {
                go.await();
                return app.auth.authenticator().authenticate("Bearer " + t);
            }));
        }
        go.countDown();
        for (var f : fs) {
            assertThat(f.get(1, java.util.concurrent.TimeUnit.MINUTES)).isInstanceOf(AuthResult.Rejected.class);
        }
        ex.shutdown();
        assertThat(app.auth.signingKeyReloads() - before).isEqualTo(1);
    }

    @Test
    void weakerHashesAreUpgradedAtLogin() {
        String before = AuthFixture.queryString(db, "SELECT password_hash FROM ms_auth_user WHERE email = 'owner@acme.test'");
        assertThat(before).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
        app.close();
        // an instance at the production parameters (the default)
        io.molesignal.core.CursorCodec cursors = io.molesignal.core.CursorCodec.load(db.database(), null,
                new java.security.SecureRandom(), clock);
        try (io.molesignal.core.audit.AuditLog log = io.molesignal.core.audit.AuditLog.builder(db.database())
                .clock(clock).build();
             MoleSignalAuth prod = MoleSignalAuth.builder(db.database(), log,
                     io.molesignal.core.org.OrgDirectory.builder(db.database(), log, cursors).clock(clock).build(),
                     cursors).clock(clock).sealer(sealer).build()) {
            LoginResult r = prod.logins().login("acme", "owner@acme.test", SecretText.of(OWNER_PW), null, null);
            secrets.add(r.token().reveal());
        }
        String after = AuthFixture.queryString(db, "SELECT password_hash FROM ms_auth_user WHERE email = 'owner@acme.test'");
        assertThat(after).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        app = newApp(true);
        login("acme", "owner@acme.test", OWNER_PW); // still the same password
        // an instance with weaker parameters never downgrades a stronger hash
        assertThat(AuthFixture.queryString(db, "SELECT password_hash FROM ms_auth_user WHERE email = 'owner@acme.test'"))
                .isEqualTo(after);
    }

    @Test
    void rootBootstrapGeneratesAPasswordOnceWhenNoneIsGiven() {
        TestDb fresh = TestDatabases.h2("fresh");
        try {
            fresh.database().migrate("core");
            fresh.database().migrate("auth");
            try (AuthFixture a = new AuthFixture(fresh.database(), clock, null, true)) {
                SecretText pw = a.auth.bootstrapRoot("root@ms.test", null).orElseThrow();
                secrets.add(pw.reveal());
                assertThat(pw.reveal()).matches("[0-9A-Za-z]{24}");
                assertThat(a.auth.bootstrapRoot("root@ms.test", null)).isEmpty();
                LoginResult r = a.auth.logins().login("_meta", "root@ms.test", pw, null, null);
                secrets.add(r.token().reveal());
                assertThat(a.principal(r.token().reveal()).isPlatformRoot()).isTrue();
                // without a sealer the keys are stored in clear (documented on MoleSignalAuth)
                assertThat(fresh.queryLong("SELECT COUNT(*) FROM ms_auth_signing_key WHERE sealed = FALSE"))
                        .isEqualTo(1);
            }
        } finally {
            fresh.close();
        }
    }

    @Test
    void keysAreResealedAfterARootKeyRotationAndRefusedWithoutASealer() {
        String before = AuthFixture.queryString(db, "SELECT key_value FROM ms_auth_signing_key WHERE active_org = 'acme'");
        TestSecretSealer rotated = sealer.rotate("k2");
        app.close();
        app = new AuthFixture(db.database(), clock, rotated, true);
        String after = AuthFixture.queryString(db, "SELECT key_value FROM ms_auth_signing_key WHERE active_org = 'acme'");
        assertThat(before).startsWith("t1.k1.");
        assertThat(after).startsWith("t1.k2.");
        app.principal(ownerToken); // same key, re-sealed
        app.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AuthFixture(db.database(), clock, null, true))
                .extracting(e -> ((io.molesignal.core.MoleSignalException) e).code())
                .isEqualTo(io.molesignal.core.ErrorCode.CIPHER_DISABLED);
        app = new AuthFixture(db.database(), clock, rotated, true);
    }
}
