package io.molesignal.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.ActorType;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditEntry;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditPage;
import io.molesignal.core.audit.AuditQuery;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.AuditStore;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.audit.VerifyResult;

/**
 * The contract every {@link AuditStore} passes together with the {@link AuditLog}: run it against a store by
 * extending this class and providing a fresh database (with the core migrations) and the store.
 */
public abstract class AuditLogContract {
    protected static final OrgId ACME = OrgId.of("acme");
    protected static final OrgId BETA = OrgId.of("beta");

    protected TestDb db;
    protected AuditLog log;
    protected final FakeTicker ticker = new FakeTicker();
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:15:00.123456789Z"));

    /** A fresh database for one test. */
    protected abstract TestDb openDatabase(String name);

    /** The store under test. */
    protected abstract AuditStore store();

    @BeforeEach
    void setUp() {
        db = openDatabase(getClass().getSimpleName());
        db.database().migrate("core");
        log = newLog(null);
    }

    protected AuditLog newLog(TestSecretSealer sealer) {
        return AuditLog.builder(db.database()).store(store()).clock(clock).ticker(ticker).sealer(sealer).build();
    }

    @AfterEach
    void tearDown() {
        log.close();
        db.close();
    }

    protected static AuditContext ctx() {
        return new AuditContext(new Actor(ActorType.USER, "u1", "alice@acme.test"), "req-1", "127.0.0.1");
    }

    protected static AuditRecord rec(OrgId org, String action, String target) {
        return AuditRecord.builder(org, action, ctx()).target(target).detail("role", "editor").build();
    }

    protected void appendN(OrgId org, int n) {
        for (int i = 0; i < n; i++) {
            log.record(rec(org, "user.update", "user-" + i));
            clock.advance(Duration.ofMillis(1));
        }
    }

    protected static Principal admin(OrgId org) {
        return new Principal(org, "u1", Role.ADMIN, CredentialKind.JWT, "jti-1", Set.of());
    }

    @Test
    void entriesRoundTripExactlyAndSeqIsGapFree() {
        AuditEntry written = log.record(AuditRecord.builder(ACME, "user.create", ctx()).target("user-7")
                .outcome(Outcome.SUCCESS, 201).detail("role", "viewer").detail("scopes", List.of("ingest", "query"))
                .detail("events", 12).detail("disabled", false).build());
        assertThat(written.seq()).isEqualTo(1);
        assertThat(written.timestamp()).isEqualTo(Instant.parse("2026-11-30T10:15:00.123456Z"));
        AuditPage page = log.query(admin(ACME), AuditQuery.newest());
        assertThat(page.entries()).containsExactly(written);
        appendN(ACME, 4);
        assertThat(log.query(admin(ACME), AuditQuery.newest()).entries()).extracting(AuditEntry::seq)
                .containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(log.verify(ACME)).isEqualTo(new VerifyResult(true, 5, 5, 0));
    }

    @Test
    void verifyCatchesAnEditedEntry() {
        appendN(ACME, 10);
        db.exec("UPDATE ms_audit_entry SET details = '{\"role\":\"owner\"}' WHERE org_id = 'acme' AND seq = 5");
        VerifyResult r = log.verify(ACME);
        assertThat(r.ok()).isFalse();
        assertThat(r.firstBadSeq()).isEqualTo(5);
    }

    @Test
    void verifyCatchesADeletedMiddleEntry() {
        appendN(ACME, 10);
        db.exec("DELETE FROM ms_audit_entry WHERE org_id = 'acme' AND seq = 4");
        assertThat(log.verify(ACME).firstBadSeq()).isEqualTo(4);
    }

    @Test
    void verifyCatchesADeletedTail() {
        appendN(ACME, 10);
        db.exec("DELETE FROM ms_audit_entry WHERE org_id = 'acme' AND seq >= 9");
        VerifyResult r = log.verify(ACME);
        assertThat(r.ok()).isFalse();
        assertThat(r.firstBadSeq()).isEqualTo(9);
        assertThat(r.headSeq()).isEqualTo(10);
    }

    @Test
    void verifyCatchesSwappedEntries() {
        appendN(ACME, 10);
        db.exec("UPDATE ms_audit_entry SET seq = -1 WHERE org_id = 'acme' AND seq = 6");
        db.exec("UPDATE ms_audit_entry SET seq = 6 WHERE org_id = 'acme' AND seq = 7");
        db.exec("UPDATE ms_audit_entry SET seq = 7 WHERE org_id = 'acme' AND seq = -1");
        assertThat(log.verify(ACME).firstBadSeq()).isEqualTo(6);
    }

    @Test
    void verifyCatchesAnUnkeyedRecomputationWhenKeyed() throws Exception {
        log.close();
        TestSecretSealer sealer = TestSecretSealer.random("k1");
        log = newLog(sealer);
        appendN(ACME, 3);
        assertThat(log.verify(ACME).ok()).isTrue();
        // A database writer rewrites entry 2 and recomputes every following hash with plain SHA-256.
        db.exec("UPDATE ms_audit_entry SET chain = 'sha256', target = 'forged' WHERE org_id = 'acme' AND seq = 2");
        assertThat(log.verify(ACME).firstBadSeq()).isEqualTo(2);
        // The chain key is sealed in the database and opens after a root-key rotation.
        log.close();
        log = newLog(sealer.rotate("k2"));
        assertThat(log.verify(ACME).firstBadSeq()).isEqualTo(2);
        assertThat(log.verify(BETA).ok()).isTrue();
    }

    @Test
    void aDeploymentWhoseKeysWereSealedRefusesToStartWithoutTheSealer() {
        log.close();
        TestSecretSealer sealer = TestSecretSealer.random("k1");
        log = newLog(sealer);
        appendN(ACME, 2);
        log.close();
        assertThatThrownBy(() -> newLog(null)).isInstanceOf(MoleSignalException.class)
                .hasMessageContaining("MS_CIPHER_KEY")
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.CIPHER_DISABLED);
        log = newLog(sealer);
        assertThat(log.verify(ACME).ok()).isTrue();
    }

    @Test
    void orgsHaveIndependentChains() {
        appendN(ACME, 3);
        appendN(BETA, 2);
        assertThat(log.verify(ACME)).isEqualTo(new VerifyResult(true, 3, 3, 0));
        assertThat(log.verify(BETA)).isEqualTo(new VerifyResult(true, 2, 2, 0));
        assertThat(log.query(admin(BETA), AuditQuery.newest()).entries()).allMatch(e -> e.org().equals(BETA));
    }

    @Test
    void eightThreadsAppendingToOneOrgKeepAValidGapFreeChain() throws Exception {
        int threads = 8;
        int each = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            fs.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    log.record(rec(ACME, "user.update", "t" + id + "-" + i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(log.verify(ACME)).isEqualTo(new VerifyResult(true, threads * each, threads * each, 0));
        assertThat(db.queryLong("SELECT COUNT(DISTINCT seq) FROM ms_audit_entry WHERE org_id = 'acme'"))
                .isEqualTo(threads * each);
        assertThat(db.queryLong("SELECT MAX(seq) FROM ms_audit_entry WHERE org_id = 'acme'")).isEqualTo(threads * each);
    }

    @Test
    void aFailingAuditWriteRollsBackTheMutation() {
        db.exec("CREATE TABLE widget (org_id VARCHAR(64) NOT NULL, name VARCHAR(64) NOT NULL)");
        // A real database failure for this action only: the audit insert violates a constraint.
        db.exec("ALTER TABLE ms_audit_entry ADD CONSTRAINT no_widget_fail CHECK (action <> 'widget.fail')");
        log.mutate(AuditRecord.builder(ACME, "widget.create", ctx()), (tx, entry) -> {
            insertWidget(tx.connection(), "ok");
            entry.target("ok");
            return null;
        });
        assertThatThrownBy(() -> log.mutate(AuditRecord.builder(ACME, "widget.fail", ctx()), (tx, entry) -> {
            insertWidget(tx.connection(), "lost");
            return null;
        })).isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(db.queryLong("SELECT COUNT(*) FROM widget WHERE name = 'lost'")).isZero();
        assertThat(db.queryLong("SELECT COUNT(*) FROM widget WHERE name = 'ok'")).isEqualTo(1);
        assertThat(log.writeFailures()).isGreaterThanOrEqualTo(1);
        assertThat(log.verify(ACME)).isEqualTo(new VerifyResult(true, 1, 1, 0));
    }

    private static void insertWidget(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO widget (org_id, name) VALUES ('acme', ?)")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    @Test
    void deniedAndFailedMutationsAreRecordedAndChangeNothing() {
        db.exec("CREATE TABLE widget (org_id VARCHAR(64) NOT NULL, name VARCHAR(64) NOT NULL)");
        assertThatThrownBy(() -> log.mutate(AuditRecord.builder(ACME, "widget.create", ctx()).target("w"),
                (tx, entry) -> {
                    insertWidget(tx.connection(), "w");
                    throw new MoleSignalException(ErrorCode.FORBIDDEN, "this needs the admin role");
                })).isInstanceOf(MoleSignalException.class);
        assertThatThrownBy(() -> log.mutate(AuditRecord.builder(ACME, "widget.create", ctx()).target("w"),
                (tx, entry) -> {
                    insertWidget(tx.connection(), "w");
                    throw new MoleSignalException(ErrorCode.CONFLICT, "taken");
                })).isInstanceOf(MoleSignalException.class);
        assertThat(db.queryLong("SELECT COUNT(*) FROM widget")).isZero();
        List<AuditEntry> entries = log.query(admin(ACME), AuditQuery.newest()).entries();
        assertThat(entries).extracting(AuditEntry::outcome).containsExactly(Outcome.FAILURE, Outcome.DENIED);
        assertThat(entries).extracting(AuditEntry::status).containsExactly(409, 403);
    }

    @Test
    void coalescingSumsAreExactUnderFourThreads() throws Exception {
        int threads = 4;
        int each = 2500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    log.recordRejection(AuditRecord.builder(ACME, "quota.reject", ctx()).target("ingest")
                            .outcome(Outcome.DENIED, 429).build());
                    if (i % 500 == 0) {
                        ticker.advance(Duration.ofMillis(300));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();
        log.close();
        List<AuditEntry> entries = allEntries(ACME);
        assertThat(entries).allMatch(e -> e.action().equals("quota.reject") && e.target().equals("ingest"));
        assertThat(entries.stream().mapToLong(AuditEntry::count).sum()).isEqualTo((long) threads * each);
        // 20 ticks of 300 ms = 6 s of fake time: the first entry plus at most one per second, plus the final flush.
        assertThat(entries.size()).isBetween(1, 8);
        assertThat(log.verify(ACME).ok()).isTrue();
    }

    @Test
    void aSuppliedRejectionRecordIsBuiltOnlyForTheEntriesWritten() throws Exception {
        AtomicInteger built = new AtomicInteger();
        Supplier<AuditRecord> record = () -> {
            built.incrementAndGet();
            return AuditRecord.builder(ACME, "quota.reject", ctx()).target("query").outcome(Outcome.DENIED, 429)
                    .build();
        };
        for (int i = 0; i < 10_000; i++) {
            log.recordRejection(ACME, "quota.reject", "query", Outcome.DENIED, record);
            if (i % 1000 == 0) {
                ticker.advance(Duration.ofMillis(90)); // 10 x 90 ms: all within one second
            }
        }
        // A supplier whose record does not match its key is dropped with a warning, never written elsewhere.
        log.recordRejection(ACME, "quota.reject", "ingest", Outcome.DENIED, record);
        log.close();
        List<AuditEntry> entries = allEntries(ACME);
        assertThat(entries).allMatch(e -> e.target().equals("query") && e.status() == 429);
        assertThat(entries.stream().mapToLong(AuditEntry::count).sum()).isEqualTo(10_000);
        assertThat(entries.size()).isBetween(1, 3);
        // One record per entry written (and one for the dropped mismatch), not one per rejection.
        assertThat(built.get()).isEqualTo(entries.size() + 1);
    }

    @Test
    void anEpisodeStartsAfterSixtySecondsWithoutRejections() throws Exception {
        AuditRecord r = AuditRecord.builder(ACME, "quota.reject", ctx()).target("query")
                .outcome(Outcome.DENIED, 429).build();
        log.recordRejection(r);
        awaitEntries(ACME, 1);
        for (int i = 0; i < 99; i++) {
            log.recordRejection(r);
        }
        ticker.advance(Duration.ofSeconds(61));
        log.recordRejection(r);
        // The pending 99 and the new episode's first rejection are written without waiting for close().
        awaitCount(ACME, 101);
        log.close();
        assertThat(allEntries(ACME).stream().mapToLong(AuditEntry::count).sum()).isEqualTo(101);
    }

    private void awaitEntries(OrgId org, int n) throws InterruptedException {
        for (int i = 0; i < 500 && allEntries(org).size() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(allEntries(org)).hasSizeGreaterThanOrEqualTo(n);
    }

    private void awaitCount(OrgId org, long n) throws InterruptedException {
        for (int i = 0; i < 500 && allEntries(org).stream().mapToLong(AuditEntry::count).sum() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(allEntries(org).stream().mapToLong(AuditEntry::count).sum()).isEqualTo(n);
    }

    protected List<AuditEntry> allEntries(OrgId org) {
        List<AuditEntry> out = new ArrayList<>();
        AuditQuery q = new AuditQuery(null, null, null, null, null, 1000, null);
        while (true) {
            AuditPage p = log.query(admin(org), q);
            out.addAll(p.entries());
            if (p.nextCursor() == null) {
                return out;
            }
            q = q.withCursor(p.nextCursor());
        }
    }

    @Test
    void queryFiltersPagesAndBindsCursorsToTheOrg() {
        appendN(ACME, 7);
        log.record(AuditRecord.builder(ACME, "auth.token.create", new AuditContext(
                new Actor(ActorType.API_TOKEN, "tok-9", "ci"), null, null)).outcome(Outcome.DENIED, 403).build());
        appendN(BETA, 3);
        AuditPage p1 = log.query(admin(ACME), AuditQuery.newest().withLimit(3));
        assertThat(p1.entries()).extracting(AuditEntry::seq).containsExactly(8L, 7L, 6L);
        AuditPage p2 = log.query(admin(ACME), AuditQuery.newest().withLimit(3).withCursor(p1.nextCursor()));
        assertThat(p2.entries()).extracting(AuditEntry::seq).containsExactly(5L, 4L, 3L);
        AuditPage p3 = log.query(admin(ACME), AuditQuery.newest().withLimit(3).withCursor(p2.nextCursor()));
        assertThat(p3.entries()).extracting(AuditEntry::seq).containsExactly(2L, 1L);
        assertThat(p3.nextCursor()).isNull();

        assertThat(log.query(admin(ACME), new AuditQuery(null, null, "tok-9", null, null, 10, null)).entries())
                .extracting(AuditEntry::seq).containsExactly(8L);
        assertThat(log.query(admin(ACME), new AuditQuery(null, null, null, "auth.token.create", Outcome.DENIED, 10,
                null)).entries()).hasSize(1);
        Instant t = Instant.parse("2026-11-30T10:15:00.125Z");
        assertThat(log.query(admin(ACME), new AuditQuery(null, t, null, "user.update", null, 10, null)).entries())
                .extracting(AuditEntry::seq).containsExactly(2L, 1L);

        // Another org's cursor, an edited cursor, garbage: INVALID_INPUT, no rows.
        for (String bad : List.of(p1.nextCursor(), p1.nextCursor().replace('.', 'x'),
                flipLastChar(p1.nextCursor()), "AAAA.AAAA", "")) {
            OrgId who = bad.equals(p1.nextCursor()) ? BETA : ACME;
            assertThatThrownBy(() -> log.query(admin(who), AuditQuery.newest().withCursor(bad)))
                    .isInstanceOf(MoleSignalException.class)
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        }
        // Only admins read the log.
        Principal viewer = new Principal(ACME, "u2", Role.VIEWER, CredentialKind.JWT, "j", Set.of());
        assertThatThrownBy(() -> log.query(viewer, AuditQuery.newest())).isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }

    private static String flipLastChar(String s) {
        char c = s.charAt(s.length() - 1);
        return s.substring(0, s.length() - 1) + (c == 'A' ? 'B' : 'A');
    }

    @Test
    void badInputWritesNothing() {
        assertThatThrownBy(() -> OrgId.of("Acme")).isInstanceOf(MoleSignalException.class);
        assertThatThrownBy(() -> AuditRecord.builder(ACME, "user.create", ctx()).detail("password", "hunter2").build())
                .isInstanceOf(MoleSignalException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> AuditRecord.builder(ACME, "user.create", ctx()).detail("reason", "x".repeat(257))
                .build()).isInstanceOf(MoleSignalException.class);
        var big = AuditRecord.builder(ACME, "user.create", ctx());
        for (String k : List.of("role", "email", "name", "kind", "reason", "stream", "table", "quota", "code")) {
            big.detail(k, "y".repeat(250));
        }
        assertThatThrownBy(big::build).isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_audit_entry")).isZero();
        assertThat(Map.of()).isEmpty();
    }
}
