package io.molesignal.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class IdentitiesTest {

    @Test
    void orgIdsFollowThePatternAndMetaIsReserved() {
        assertThat(OrgId.of("acme").value()).isEqualTo("acme");
        assertThat(OrgId.of("a1_b-c").value()).isEqualTo("a1_b-c");
        assertThat(OrgId.of("_meta").isMeta()).isTrue();
        assertThat(OrgId.of("x".repeat(63)).value()).hasSize(63);
        for (String bad : new String[] {"", "a", "Acme", "ACME", "-a", "_a", "a b", "acme\n", "x".repeat(64), "ａcme",
                "acme/x", "_META"}) {
            assertThatThrownBy(() -> OrgId.of(bad)).isInstanceOf(MoleSignalException.class)
                    .hasMessage("invalid org id: it must match [a-z0-9][a-z0-9_-]{1,62}")
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        }
    }

    @Test
    void rolesAreOrderedAndOnlyOwnersTouchOwners() {
        assertThat(Role.VIEWER.atLeast(Role.EDITOR)).isFalse();
        assertThat(Role.OWNER.atLeast(Role.ADMIN)).isTrue();
        assertThat(Role.EDITOR.canGrant(Role.ADMIN)).isFalse();
        assertThat(Role.ADMIN.canGrant(Role.ADMIN)).isTrue();
        assertThat(Role.ADMIN.canManage(Role.OWNER)).isFalse();
        assertThat(Role.OWNER.canManage(Role.OWNER)).isTrue();
        assertThat(Role.EDITOR.canManage(Role.VIEWER)).isFalse();
        assertThat(Role.parse("admin")).isEqualTo(Role.ADMIN);
        assertThatThrownBy(() -> Role.parse("Admin")).isInstanceOf(MoleSignalException.class);
        assertThatThrownBy(() -> Scope.parse("root")).isInstanceOf(MoleSignalException.class);
    }

    @Test
    void principalsCheckRoleScopeAndCredentialKind() {
        OrgId acme = OrgId.of("acme");
        Principal ingestToken = new Principal(acme, "u1", Role.EDITOR, CredentialKind.API_TOKEN, "t1",
                Set.of(Scope.INGEST));
        assertThat(ingestToken.allows(Scope.INGEST)).isTrue();
        assertThat(ingestToken.allows(Scope.QUERY)).isFalse();
        assertForbidden(() -> ingestToken.require(Role.VIEWER, Scope.QUERY));
        assertForbidden(ingestToken::requireJwt);
        Principal unscoped = new Principal(acme, "u1", Role.EDITOR, CredentialKind.API_TOKEN, "t2", Set.of());
        assertThat(unscoped.allows(Scope.ADMIN)).isTrue();
        assertForbidden(() -> unscoped.require(Role.ADMIN, Scope.ADMIN));
        Principal jwt = new Principal(acme, "u1", Role.OWNER, CredentialKind.JWT, "j", Set.of());
        assertThat(jwt.require(Role.OWNER, Scope.ADMIN).requireJwt()).isSameAs(jwt);
        assertForbidden(jwt::requirePlatformRoot);
        Principal root = new Principal(OrgId.META, "root", Role.OWNER, CredentialKind.JWT, "j", Set.of());
        assertThat(root.isPlatformRoot()).isTrue();
        assertThatThrownBy(() -> new Principal(acme, "u", Role.VIEWER, CredentialKind.JWT, "j", Set.of(Scope.QUERY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void errorCodesMapToTheStatusesOfTheApiTable() {
        Map<String, Integer> table = Map.ofEntries(Map.entry("INVALID_INPUT", 400), Map.entry("SQL_PARSE", 400),
                Map.entry("SQL_VALIDATE", 400), Map.entry("SQL_UNSUPPORTED", 400), Map.entry("VRL_COMPILE", 400),
                Map.entry("DECRYPT_FAILED", 400), Map.entry("UNAUTHENTICATED", 401),
                Map.entry("INVALID_CREDENTIALS", 401), Map.entry("FORBIDDEN", 403), Map.entry("NOT_FOUND", 404),
                Map.entry("CONFLICT", 409), Map.entry("BODY_TOO_LARGE", 413), Map.entry("QUOTA_STORAGE", 413),
                Map.entry("QUOTA_INGEST_BATCH", 413), Map.entry("QUOTA_INGEST_RATE", 429),
                Map.entry("QUOTA_QUERY_RATE", 429), Map.entry("LOGIN_THROTTLED", 429), Map.entry("QUERY_TIMEOUT", 408),
                Map.entry("CIPHER_DISABLED", 503), Map.entry("UNAVAILABLE", 503));
        table.forEach((code, status) -> assertThat(ErrorCode.valueOf(code).httpStatus()).as(code).isEqualTo(status));
        assertThat(ErrorCode.values()).filteredOn(ErrorCode::isPerEvent).extracting(Enum::name).containsExactlyInAnyOrder(
                "INVALID_EVENT", "EVENT_TOO_LARGE", "INVALID_TIMESTAMP", "TYPE_MISMATCH", "VRL_RUNTIME", "VRL_ABORT");
        assertThat(ErrorCode.values()).hasSize(table.size() + 6);
    }

    @Test
    void cursorsAreBoundToOrgAndListAndRejectEdits() {
        CursorCodec c = CursorCodec.withKey(new byte[32]);
        OrgId acme = OrgId.of("acme");
        String cur = c.encode(acme, "audit", "17");
        assertThat(c.decode(acme, "audit", cur)).isEqualTo("17");
        for (String[] bad : new String[][] {{"beta", "audit", cur}, {"acme", "users", cur}, {"acme", "audit", cur + "A"},
                {"acme", "audit", cur.replaceFirst("^.", "x")}, {"acme", "audit", "MTc"}, {"acme", "audit", "a.b.c"}}) {
            assertThatThrownBy(() -> c.decode(OrgId.of(bad[0]), bad[1], bad[2]))
                    .isInstanceOf(MoleSignalException.class)
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        }
        assertThat(CursorCodec.withKey(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}).encode(acme, "audit", "17")).isNotEqualTo(cur);
    }
}
