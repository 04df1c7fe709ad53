package io.molesignal.core.org;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.CursorCodec;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Page;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditEntry;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditQuery;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDb;

/** The contract of {@link OrgDirectory} over an {@link OrgStore}. */
abstract class OrgDirectoryContract {
    static final Principal ROOT = new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "j0", Set.of());
    static final AuditContext CTX = new AuditContext(Actor.of(ROOT, "root@molesignal.local"), "r-1", "127.0.0.1");

    TestDb db;
    AuditLog audit;
    CursorCodec cursors;
    OrgDirectory orgs;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));

    abstract TestDb open(String name);

    @BeforeEach
    void setUp() {
        db = open(getClass().getSimpleName());
        db.database().migrate("core");
        audit = AuditLog.builder(db.database()).clock(clock).build();
        cursors = CursorCodec.load(db.database(), null, new SecureRandom(), clock);
        orgs = OrgDirectory.builder(db.database(), audit, cursors).clock(clock).build();
    }

    @AfterEach
    void tearDown() {
        audit.close();
        db.close();
    }

    @Test
    void metaExistsFromTheFirstStartAndASecondStartChangesNothing() {
        assertThat(orgs.get(OrgId.META)).isPresent();
        OrgDirectory.builder(db.database(), audit, cursors).build();
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_org")).isEqualTo(1);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_audit_entry WHERE org_id = '_meta' AND action = 'org.create'"))
                .isEqualTo(1);
    }

    @Test
    void rootCreatesListsAndDisablesOrgsAndEachChangeIsAuditedInThatOrg() {
        for (String n : List.of("acme", "beta", "gamma")) {
            orgs.create(ROOT, CTX, OrgId.of(n));
        }
        Page<Org> p1 = orgs.list(ROOT, 2, null);
        List<String> names = new ArrayList<>(p1.items().stream().map(o -> o.id().value()).toList());
        Page<Org> p2 = orgs.list(ROOT, 2, p1.nextCursor());
        names.addAll(p2.items().stream().map(o -> o.id().value()).toList());
        if (p2.nextCursor() != null) {
            names.addAll(orgs.list(ROOT, 2, p2.nextCursor()).items().stream().map(o -> o.id().value()).toList());
        }
        assertThat(names).containsExactlyInAnyOrder("_meta", "acme", "beta", "gamma");

        Org disabled = orgs.setDisabled(ROOT, CTX, OrgId.of("beta"), true);
        assertThat(disabled.disabled()).isTrue();
        assertThat(orgs.get(OrgId.of("beta")).orElseThrow().disabled()).isTrue();

        Principal betaAdmin = new Principal(OrgId.of("beta"), "u", Role.OWNER, CredentialKind.JWT, "j", Set.of());
        List<AuditEntry> betaLog = audit.query(betaAdmin, AuditQuery.newest()).entries();
        assertThat(betaLog).extracting(AuditEntry::action).containsExactly("org.update", "org.create");
        assertThat(betaLog.get(0).details()).containsEntry("disabled", true);
        assertThat(betaLog.get(0).actor().name()).isEqualTo("root@molesignal.local");
    }

    @Test
    void onlyRootManagesOrgsAndDeniedAttemptsAreAudited() {
        orgs.create(ROOT, CTX, OrgId.of("acme"));
        Principal owner = new Principal(OrgId.of("acme"), "u9", Role.OWNER, CredentialKind.JWT, "j9", Set.of());
        AuditContext ownerCtx = new AuditContext(Actor.of(owner, "o@acme.test"), null, null);
        assertCode(() -> orgs.create(owner, ownerCtx, OrgId.of("evil")), ErrorCode.FORBIDDEN);
        assertCode(() -> orgs.setDisabled(owner, ownerCtx, OrgId.of("acme"), true), ErrorCode.FORBIDDEN);
        assertCode(() -> orgs.list(owner, 10, null), ErrorCode.FORBIDDEN);
        assertThat(orgs.get(OrgId.of("evil"))).isEmpty();
        assertThat(orgs.get(OrgId.of("acme")).orElseThrow().disabled()).isFalse();
        List<AuditEntry> log = audit.query(owner, AuditQuery.newest()).entries();
        assertThat(log).filteredOn(e -> e.outcome() == Outcome.DENIED).extracting(AuditEntry::action)
                .containsExactly("org.update", "org.create");
    }

    @Test
    void conflictsAndBadNamesChangeNothing() {
        orgs.create(ROOT, CTX, OrgId.of("acme"));
        assertCode(() -> orgs.create(ROOT, CTX, OrgId.of("acme")), ErrorCode.CONFLICT);
        assertCode(() -> orgs.create(ROOT, CTX, OrgId.META), ErrorCode.INVALID_INPUT);
        assertCode(() -> orgs.setDisabled(ROOT, CTX, OrgId.META, true), ErrorCode.CONFLICT);
        assertCode(() -> orgs.setDisabled(ROOT, CTX, OrgId.of("nope"), true), ErrorCode.NOT_FOUND);
        for (String bad : List.of("Acme", "a", "-acme", "acme ", "ac me", "x".repeat(64), "_other", "acme\u0000")) {
            assertCode(() -> OrgId.of(bad), ErrorCode.INVALID_INPUT);
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_org")).isEqualTo(2);
        assertCode(() -> orgs.list(ROOT, 10, "forged.cursor"), ErrorCode.INVALID_INPUT);
    }

    static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable c, ErrorCode code) {
        assertThatThrownBy(c).isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(code);
    }
}
