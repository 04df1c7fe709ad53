package io.molesignal.core.vrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.ActorType;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditEntry;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditQuery;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.testing.FakeTicker;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDb;

/**
 * The contract of {@link StreamFunctions} over a {@link VrlProgramStore}: run it against a store by extending this
 * class with a fresh database (core migrations) and the store.
 */
abstract class StreamFunctionsContract {
    static final OrgId ACME = OrgId.of("acme");
    static final OrgId BETA = OrgId.of("beta");
    static final String PROGRAM = ".level = downcase!(.level)\ndel(.password)";

    protected TestDb db;
    protected AuditLog log;
    protected StreamFunctions functions;
    protected final FakeTicker ticker = new FakeTicker();
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:15:00Z"));

    protected abstract TestDb openDatabase(String name);

    protected abstract VrlProgramStore store();

    @BeforeEach
    void setUp() {
        db = openDatabase(getClass().getSimpleName());
        db.database().migrate("core");
        log = AuditLog.builder(db.database()).clock(clock).ticker(ticker).build();
        functions = newFunctions();
    }

    protected StreamFunctions newFunctions() {
        return StreamFunctions.builder(db.database(), log).store(store()).clock(clock).ticker(ticker)
                .cipher(Vrl.CIPHER).cacheTtl(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void tearDown() {
        functions.close();
        log.close();
        db.close();
    }

    static Principal user(OrgId org, Role role) {
        return new Principal(org, "u-" + role.name().toLowerCase(), role, CredentialKind.JWT, "jti", Set.of());
    }

    static Principal token(OrgId org, Role role, Scope scope) {
        return new Principal(org, "u-tok", role, CredentialKind.API_TOKEN, "tok-1", Set.of(scope));
    }

    static AuditContext ctx(Principal p) {
        return new AuditContext(new Actor(ActorType.USER, p.subject(), p.subject() + "@test"), "req-1", null);
    }

    List<AuditEntry> audit(OrgId org) {
        return log.query(user(org, Role.ADMIN), AuditQuery.newest()).entries();
    }

    @Test
    void putStoresVersionsAndAuditsEachChange() {
        Principal editor = user(ACME, Role.EDITOR);
        StreamFunction v1 = functions.put(editor, ctx(editor), "web", PROGRAM);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(functions.get(user(ACME, Role.VIEWER), "web")).isEqualTo(v1);
        clock.advance(Duration.ofSeconds(1));
        StreamFunction v2 = functions.put(editor, ctx(editor), "web", ".x = 1");
        assertThat(v2.version()).isEqualTo(2);
        assertThat(functions.get(editor, "web").vrl()).isEqualTo(".x = 1");
        assertThat(functions.get(editor, "web").updatedAt()).isEqualTo(Instant.parse("2026-11-30T10:15:01Z"));
        List<AuditEntry> entries = audit(ACME);
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).action()).isEqualTo("stream.function.update");
        assertThat(entries.get(0).target()).isEqualTo("web");
        assertThat(entries.get(0).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(entries.get(0).details()).containsEntry("stream", "web").containsEntry("version", 2L);
        assertThat(entries.get(0).actor().id()).isEqualTo("u-editor");
    }

    @Test
    void deleteKeepsVersionsMonotonic() {
        Principal editor = user(ACME, Role.EDITOR);
        functions.put(editor, ctx(editor), "web", PROGRAM);
        functions.delete(editor, ctx(editor), "web");
        assertThatThrownBy(() -> functions.get(editor, "web")).isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThatThrownBy(() -> functions.delete(editor, ctx(editor), "web"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(functions.put(editor, ctx(editor), "web", PROGRAM).version()).isEqualTo(3);
        AuditEntry del = audit(ACME).stream().filter(e -> e.action().equals("stream.function.delete")
                && e.outcome() == Outcome.SUCCESS).findFirst().orElseThrow();
        assertThat(del.details()).containsEntry("stream", "web").containsEntry("version", 2L);
    }

    @Test
    void aProgramThatDoesNotCompileIsRefusedWithItsPositionAndNothingIsStored() {
        Principal editor = user(ACME, Role.EDITOR);
        MoleSignalException e = org.junit.jupiter.api.Assertions.assertThrows(MoleSignalException.class,
                () -> functions.put(editor, ctx(editor), "web", ".a = 1\n.b = upcase(.c)"));
        assertThat(e.code()).isEqualTo(ErrorCode.VRL_COMPILE);
        assertThat(e.line()).hasValue(2);
        assertThat(e.column()).hasValue(6);
        assertThatThrownBy(() -> functions.get(editor, "web")).isInstanceOf(MoleSignalException.class);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_vrl_program")).isZero();
        AuditEntry failed = audit(ACME).get(0);
        assertThat(failed.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(failed.status()).isEqualTo(400);
    }

    @Test
    void rolesAndScopesAreChecked() {
        Principal viewer = user(ACME, Role.VIEWER);
        assertThatThrownBy(() -> functions.put(viewer, ctx(viewer), "web", PROGRAM))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(audit(ACME).get(0).outcome()).isEqualTo(Outcome.DENIED);
        Principal editor = user(ACME, Role.EDITOR);
        functions.put(editor, ctx(editor), "web", PROGRAM);
        assertThatThrownBy(() -> functions.delete(viewer, ctx(viewer), "web"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> functions.test(viewer, PROGRAM, List.of()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        // an admin token limited to ingest may not read or change functions
        Principal ingestToken = token(ACME, Role.ADMIN, Scope.INGEST);
        assertThatThrownBy(() -> functions.get(ingestToken, "web"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> functions.put(ingestToken, ctx(ingestToken), "web", PROGRAM))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(functions.get(token(ACME, Role.VIEWER, Scope.QUERY), "web").version()).isEqualTo(1);
        assertThat(functions.get(viewer, "web").version()).isEqualTo(1);
    }

    @Test
    void anotherOrgsStreamIsNotFound() {
        Principal acme = user(ACME, Role.OWNER);
        functions.put(acme, ctx(acme), "web", PROGRAM);
        Principal beta = user(BETA, Role.OWNER);
        assertThatThrownBy(() -> functions.get(beta, "web"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThatThrownBy(() -> functions.delete(beta, ctx(beta), "web"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(functions.programFor(beta, "web")).isEmpty();
        // beta's own function of the same name is independent
        assertThat(functions.put(beta, ctx(beta), "web", ".b = 1").version()).isEqualTo(1);
        assertThat(functions.get(acme, "web").vrl()).isEqualTo(PROGRAM);
        assertThat(audit(BETA)).allMatch(e -> e.org().equals(BETA));
    }

    @Test
    void badStreamNamesAreRefused() {
        Principal editor = user(ACME, Role.EDITOR);
        for (String bad : List.of("", "a b", "x".repeat(65), "../etc", "a'b")) {
            assertThatThrownBy(() -> functions.put(editor, ctx(editor), bad, PROGRAM))
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_vrl_program")).isZero();
    }

    @Test
    void programForCompilesOnceAndSeesChanges() {
        Principal editor = user(ACME, Role.EDITOR);
        assertThat(functions.programFor(editor, "web")).isEmpty();
        functions.put(editor, ctx(editor), "web", PROGRAM);
        VrlProgram first = functions.programFor(editor, "web").orElseThrow();
        assertThat(functions.programFor(editor, "web").orElseThrow()).isSameAs(first);
        functions.put(editor, ctx(editor), "web", ".changed = true");
        VrlProgram second = functions.programFor(editor, "web").orElseThrow();
        assertThat(second.source()).isEqualTo(".changed = true");
        // a change made by another node is seen once the cache entry expires
        try (StreamFunctions otherNode = newFunctions()) {
            otherNode.put(editor, ctx(editor), "web", ".other = true");
        }
        assertThat(functions.programFor(editor, "web").orElseThrow()).isSameAs(second);
        ticker.advance(Duration.ofSeconds(11));
        assertThat(functions.programFor(editor, "web").orElseThrow().source()).isEqualTo(".other = true");
        functions.delete(editor, ctx(editor), "web");
        assertThat(functions.programFor(editor, "web")).isEmpty();
    }

    @Test
    void dryRunTransformsCopiesAndReportsPerEventErrors() {
        Principal editor = user(ACME, Role.EDITOR);
        Map<String, Object> first = Vrl.object("{\"level\":\"INFO\",\"password\":\"hunter2\"}");
        List<Object> events = new ArrayList<>();
        events.add(first);
        events.add("not an object");
        events.add(Vrl.object("{\"level\":7}"));
        events.add(Vrl.object("{\"level\":\"WARN\",\"drop\":true}"));
        DryRun r = functions.test(editor, PROGRAM + "\nif .drop == true { abort }\n.at = now()", events);
        assertThat(r.events()).containsExactly(Vrl.object("{\"level\":\"info\",\"at\":\"2026-11-30T10:15:00Z\"}"));
        assertThat(r.errors()).extracting(DryRun.EventError::index).containsExactly(1, 2, 3);
        assertThat(r.errors()).extracting(DryRun.EventError::code)
                .containsExactly(ErrorCode.INVALID_EVENT, ErrorCode.VRL_RUNTIME, ErrorCode.VRL_ABORT);
        assertThat(first).containsEntry("password", "hunter2");
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_vrl_program")).isZero();
        assertThatThrownBy(() -> functions.test(editor, "if {", List.of()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.VRL_COMPILE);
    }

    @Test
    void concurrentPutsGetDistinctVersions() throws Exception {
        Principal editor = user(ACME, Role.EDITOR);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<StreamFunction>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            fs.add(pool.submit(() -> functions.put(editor, ctx(editor), "web", ".n = " + n)));
        }
        List<Long> versions = new ArrayList<>();
        for (Future<StreamFunction> f : fs) {
            versions.add(f.get(2, TimeUnit.MINUTES).version());
        }
        pool.shutdown();
        assertThat(versions).doesNotHaveDuplicates().hasSize(20);
        assertThat(functions.get(editor, "web").version()).isEqualTo(20);
        assertThat(log.verify(ACME).ok()).isTrue();
    }
}
