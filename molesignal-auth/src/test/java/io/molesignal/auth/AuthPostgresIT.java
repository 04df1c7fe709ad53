package io.molesignal.auth;

import static io.molesignal.auth.AuthFixture.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.db.Database;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class AuthPostgresIT extends AuthContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.postgres(name);
    }

    /** A second application instance: its own pool on the same schema, its own caches, clock-shared, own ticker. */
    private AuthFixture secondInstance(HikariDataSource pool) {
        return new AuthFixture(Database.of(pool), clock, sealer, true);
    }

    @Test
    void twoInstancesStartingAtOnceEndWithOneActiveKeyPerOrg() throws Exception {
        TestDb fresh = TestDatabases.postgres("race");
        try {
            fresh.database().migrate("core");
            fresh.database().migrate("auth");
            int n = 4;
            List<HikariDataSource> pools = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pools.add(TestDatabases.pool(fresh.schema(), 4));
            }
            ExecutorService ex = Executors.newFixedThreadPool(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<AuthFixture>> fs = new ArrayList<>();
            for (HikariDataSource p : pools) {
                fs.add(ex.submit(() -> {
                    go.await();
                    return new AuthFixture(Database.of(p), clock, sealer, true);
                }));
            }
            go.countDown();
            List<AuthFixture> apps = new ArrayList<>();
            for (Future<AuthFixture> f : fs) {
                apps.add(f.get(2, TimeUnit.MINUTES));
            }
            ex.shutdown();
            assertThat(fresh.queryLong("SELECT COUNT(*) FROM ms_auth_signing_key WHERE active_org = '_meta'"))
                    .isEqualTo(1);
            assertThat(fresh.queryLong("SELECT COUNT(*) FROM ms_auth_signing_key")).isEqualTo(1);
            // every instance verifies tokens minted by another
            apps.get(0).auth.bootstrapRoot("root@ms.test", SecretText.of(ROOT_PW));
            LoginResult r = apps.get(1).auth.logins().login("_meta", "root@ms.test", SecretText.of(ROOT_PW), null,
                    null);
            secrets.add(r.token().reveal());
            for (AuthFixture a : apps) {
                assertThat(a.principal(r.token().reveal()).isPlatformRoot()).isTrue();
                a.close();
            }
            pools.forEach(HikariDataSource::close);
        } finally {
            fresh.close();
        }
    }

    @Test
    void otherInstancePicksUpRotationAndNoticesRetirementWithinThirtySeconds() {
        try (HikariDataSource pool = TestDatabases.pool(db.schema(), 4); AuthFixture b = secondInstance(pool)) {
            b.principal(ownerToken); // B caches the token of the old key
            KeyRotation r = app.auth.signingKeys().rotate(owner, ctx(owner), Duration.ZERO);
            assertThat(app.rejected("Bearer " + ownerToken).reason()).isEqualTo(RejectionReason.KEY_RETIRED);
            // B: a token with the new kid is accepted at once (reload on unknown kid)
            String fresh = login("acme", "owner@acme.test", OWNER_PW).token().reveal();
            assertThat(fresh.split("\\.")[0]).isNotEmpty();
            long reloads = b.auth.signingKeyReloads();
            b.ticker.advance(Duration.ofSeconds(1)); // unknown-kid reloads are rate-limited to one per second
            assertThat(b.principal(fresh).org()).isEqualTo(ACME);
            assertThat(b.auth.signingKeyReloads()).isEqualTo(reloads + 1);
            // B: the retired key's token is dropped within 30 s (fake ticker, no sleeping)
            b.ticker.advance(Duration.ofSeconds(30));
            assertThat(b.rejected("Bearer " + ownerToken).reason()).isEqualTo(RejectionReason.KEY_RETIRED);
            assertThat(r.retiringUntil()).isBeforeOrEqualTo(clock.instant());
        }
    }

    @Test
    void otherInstanceSeesRevocationDowngradeAndOrgDisableWithinThirtySeconds() {
        try (HikariDataSource pool = TestDatabases.pool(db.schema(), 4); AuthFixture b = secondInstance(pool)) {
            Principal admin = createUserAndLogin(Role.ADMIN, "admin@acme.test");
            String adminJwt = secrets.get(secrets.size() - 1);
            NewApiToken t = mint(owner, Role.EDITOR, Set.of());
            String api = t.token().reveal();
            assertThat(b.principal(api).role()).isEqualTo(Role.EDITOR);
            assertThat(b.principal(adminJwt).role()).isEqualTo(Role.ADMIN);
            app.auth.apiTokens().revoke(owner, ctx(owner), t.info().id());
            app.auth.users().update(owner, ctx(owner), admin.subject(), Role.VIEWER, null);
            app.auth.logins().logout(owner, ctx(owner));
            assertThat(app.rejected("Bearer " + api).reason()).isEqualTo(RejectionReason.REVOKED);
            b.ticker.advance(Duration.ofSeconds(30));
            assertThat(b.rejected("Bearer " + api).reason()).isEqualTo(RejectionReason.REVOKED);
            assertThat(b.principal(adminJwt).role()).isEqualTo(Role.VIEWER);
            assertThat(b.rejected("Bearer " + ownerToken).reason()).isEqualTo(RejectionReason.REVOKED);
            app.auth.orgs().setDisabled(root, ctx(root), ACME, true);
            b.ticker.advance(Duration.ofSeconds(30));
            assertThat(b.rejected("Bearer " + adminJwt).reason()).isEqualTo(RejectionReason.DISABLED);
        }
    }

    @Test
    void concurrentDemotionsNeverRemoveTheLastOwner() throws Exception {
        io.molesignal.auth.User second = app.auth.users().create(owner, ctx(owner), "owner2@acme.test",
                SecretText.of("password-2x"), Role.OWNER);
        Principal owner2 = app.principal(login("acme", "owner2@acme.test", "password-2x").token().reveal());
        try (HikariDataSource pool = TestDatabases.pool(db.schema(), 4); AuthFixture b = secondInstance(pool)) {
            ExecutorService ex = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            Future<?> f1 = ex.submit(() -> {
                go.await();
                return app.auth.users().update(owner, ctx(owner), second.id(), Role.ADMIN, null);
            });
            Future<?> f2 = ex.submit(() -> {
                go.await();
                return b.auth.users().update(owner2, ctx(owner2), owner.subject(), Role.ADMIN, null);
            });
            go.countDown();
            int ok = 0;
            for (Future<?> f : List.of(f1, f2)) {
                try {
                    f.get(1, TimeUnit.MINUTES);
                    ok++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(((io.molesignal.core.MoleSignalException) e.getCause()).code())
                            .isEqualTo(io.molesignal.core.ErrorCode.CONFLICT);
                }
            }
            ex.shutdown();
            assertThat(ok).isEqualTo(1);
            assertThat(count("ms_auth_user WHERE org_id = 'acme' AND role = 'owner' AND disabled = FALSE"))
                    .isEqualTo(1);
        }
    }
}
