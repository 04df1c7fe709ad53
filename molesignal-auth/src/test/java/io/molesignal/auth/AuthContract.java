package io.molesignal.auth;

import static io.molesignal.auth.AuthFixture.ctx;
import static io.molesignal.auth.AuthFixture.epoch;
import static io.molesignal.auth.AuthFixture.forge;
import static io.molesignal.auth.AuthFixture.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.testing.LogCapture;
import io.molesignal.core.CredentialKind;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDb;
import io.molesignal.core.testing.TestSecretSealer;

/**
 * The behaviour of molesignal-auth against a real database: every item of issue 3's "bad input" list, the user,
 * login, token and rotation rules. Each negative test checks the status, that nothing changed, the audit entry for
 * mutations, and (in {@link #tearDown()}) that no token text reached any log line.
 */
abstract class AuthContract {
    static final OrgId ACME = OrgId.of("acme");
    static final OrgId BETA = OrgId.of("beta");
    static final String ROOT_PW = "root-password-1";
    static final String OWNER_PW = "owner-password-1";

    protected TestDb db;
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    protected final TestSecretSealer sealer = TestSecretSealer.random("k1");
    protected AuthFixture app;
    protected LogCapture logs;
    protected final List<String> secrets = new ArrayList<>();
    protected Principal root;
    protected String ownerToken;
    protected Principal owner;

    protected abstract TestDb openDatabase(String name);

    @BeforeEach
    void setUp() {
        logs = new LogCapture();
        db = openDatabase(getClass().getSimpleName());
        db.database().migrate("core");
        db.database().migrate("auth");
        app = newApp(true);
        assertThat(app.auth.bootstrapRoot("root@ms.test", SecretText.of(ROOT_PW))).isEmpty();
        root = app.principal(login("_meta", "root@ms.test", ROOT_PW).token().reveal());
        app.auth.orgs().create(root, ctx(root), ACME, "owner@acme.test", SecretText.of(OWNER_PW));
        app.auth.orgs().create(root, ctx(root), BETA, "owner@beta.test", SecretText.of(OWNER_PW));
        ownerToken = login("acme", "owner@acme.test", OWNER_PW).token().reveal();
        owner = app.principal(ownerToken);
    }

    protected AuthFixture newApp(boolean throttle) {
        return new AuthFixture(db.database(), clock, sealer, throttle);
    }

    @AfterEach
    void tearDown() {
        try {
            List<String> lines = logs.lines();
            for (String s : secrets) {
                for (String line : lines) {
                    assertThat(line).as("a log line carries a token").doesNotContain(s);
                }
            }
            for (String line : lines) {
                assertThat(line).doesNotContain(OWNER_PW).doesNotContain(ROOT_PW);
            }
        } finally {
            logs.close();
            app.close();
            db.close();
        }
    }

    protected LoginResult login(String org, String email, String password) {
        LoginResult r = app.auth.logins().login(org, email, SecretText.of(password), "req-1", "10.0.0.1");
        secrets.add(r.token().reveal());
        return r;
    }

    protected String secret(String s) {
        secrets.add(s);
        if (s.length() > 40) {
            secrets.add(s.substring(s.length() - 40)); // the signature / secret part alone
        }
        return s;
    }

    protected long count(String where) {
        return db.queryLong("SELECT COUNT(*) FROM " + where);
    }

    protected long audit(OrgId org, String action, String outcome) {
        return count("ms_audit_entry WHERE org_id = '" + org.value() + "' AND action = '" + action
                + "' AND outcome = '" + outcome + "'");
    }

    protected Principal createUserAndLogin(Role role, String email) {
        app.auth.users().create(owner, ctx(owner), email, SecretText.of("password-" + role), role);
        return app.principal(login("acme", email, "password-" + role).token().reveal());
    }

    protected NewApiToken mint(Principal caller, Role role, Set<Scope> scopes) {
        NewApiToken t = app.auth.apiTokens().create(caller, ctx(caller), "ci", role, null, scopes);
        secret(t.token().reveal());
        return t;
    }

    // --- JWT attack helpers: forged with the org's real key, through the sealer ---

    protected String activeKid(OrgId org) {
        return queryString(db, "SELECT kid FROM ms_auth_signing_key WHERE active_org = '" + org.value() + "'");
    }

    protected byte[] keyBytes(OrgId org, String kid) {
        String sealed = queryString(db, "SELECT key_value FROM ms_auth_signing_key WHERE kid = '" + kid + "'");
        return sealer.open(sealed, ("auth.signing_key|" + org.value() + "|" + kid).getBytes(StandardCharsets.UTF_8));
    }

    protected String header(String alg, String kid, String extra) {
        return "{\"alg\":\"" + alg + "\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + ",\"typ\":\"at+jwt\""
                + extra + "}";
    }

    protected String claims(String overrides) {
        Instant now = clock.instant();
        String base = "\"iss\":\"molesignal\",\"aud\":\"molesignal-api\",\"sub\":\"" + owner.subject()
                + "\",\"org_id\":\"acme\",\"iat\":" + epoch(now) + ",\"exp\":" + (epoch(now) + 600) + ",\"jti\":\""
                + owner.credentialId() + "\"";
        return "{" + (overrides == null ? base : overrides) + "}";
    }

    protected String forgeAcme(String headerJson, String claimsJson, String macAlg) {
        return secret(forge(headerJson, claimsJson, macAlg, keyBytes(ACME, activeKid(ACME))));
    }

    protected void assertInvalid(String token) {
        AuthResult.Rejected r = app.rejected("Bearer " + token);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.wwwAuthenticate()).isEqualTo("Bearer error=\"invalid_token\"");
    }

    // ===================================================================================================
    // JWT

    @Test
    void forgedTokenWithTheRealKeyAndRealJtiIsTheControlCase() {
        String t = forgeAcme(header("HS256", activeKid(ACME), ""), claims(null), "HmacSHA256");
        assertThat(app.principal(t).org()).isEqualTo(ACME);
    }

    @Test
    void loginTokenCarriesTheRequiredHeaderAndClaims() {
        String[] parts = ownerToken.split("\\.");
        String h = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        String c = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(h).contains("\"alg\":\"HS256\"", "\"typ\":\"at+jwt\"", "\"kid\":\"" + activeKid(ACME) + "\"");
        assertThat(c).contains("\"iss\":\"molesignal\"", "\"aud\":\"molesignal-api\"", "\"org_id\":\"acme\"",
                "\"iat\":", "\"exp\":", "\"jti\":", "\"sub\":");
        assertThat(owner.credentialKind()).isEqualTo(CredentialKind.JWT);
        assertThat(owner.role()).isEqualTo(Role.OWNER);
    }

    @Test
    void algNoneInAnyCaseIsRejected() {
        for (String alg : List.of("none", "None", "NONE", "nOnE")) {
            String t = secret(AuthFixture.b64(header(alg, activeKid(ACME), "")) + "." + AuthFixture.b64(claims(null))
                    + ".");
            assertInvalid(t);
            assertInvalid(t + "AAAA");
        }
    }

    @Test
    void hs384AndHs512SignedWithTheRealKeyAreRejected() {
        assertInvalid(forgeAcme(header("HS384", activeKid(ACME), ""), claims(null), "HmacSHA384"));
        assertInvalid(forgeAcme(header("HS512", activeKid(ACME), ""), claims(null), "HmacSHA512"));
    }

    @Test
    void rs256HeaderIsRejected() {
        assertInvalid(forgeAcme(header("RS256", activeKid(ACME), ""), claims(null), "HmacSHA256"));
    }

    @Test
    void missingOrUnknownKidIsRejectedAndUnknownKidReloadsAtMostOncePerSecond() {
        assertInvalid(forgeAcme(header("HS256", null, ""), claims(null), "HmacSHA256"));
        long before = app.auth.signingKeyReloads();
        assertInvalid(forgeAcme(header("HS256", "unknownkid0000000000001", ""), claims(null), "HmacSHA256"));
        assertInvalid(forgeAcme(header("HS256", "unknownkid0000000000002", ""), claims(null), "HmacSHA256"));
        assertThat(app.auth.signingKeyReloads() - before).isLessThanOrEqualTo(1);
        app.ticker.advance(Duration.ofMillis(1001));
        assertInvalid(forgeAcme(header("HS256", "unknownkid0000000000003", ""), claims(null), "HmacSHA256"));
        assertThat(app.auth.signingKeyReloads() - before).isLessThanOrEqualTo(2);
    }

    @Test
    void kidOfAnotherOrgWithMatchingSignatureIsRejected() {
        String betaKid = activeKid(BETA);
        String t = secret(forge(header("HS256", betaKid, ""), claims(null), "HmacSHA256", keyBytes(BETA, betaKid)));
        assertInvalid(t);
    }

    @Test
    void unknownCritIsRejected() {
        assertInvalid(forgeAcme(header("HS256", activeKid(ACME), ",\"crit\":[\"exp2\"],\"exp2\":1"), claims(null),
                "HmacSHA256"));
    }

    @Test
    void embeddedJwkJkuAndX5uAreRejectedWithoutAnyOutboundConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/keys";
            String kid = activeKid(ACME);
            String jwk = "{\"kty\":\"oct\",\"kid\":\"" + kid + "\",\"k\":\"" + java.util.Base64.getUrlEncoder()
                    .withoutPadding().encodeToString(new byte[32]) + "\"}";
            assertInvalid(forgeAcme(header("HS256", kid, ",\"jku\":\"" + url + "\""), claims(null), "HmacSHA256"));
            assertInvalid(forgeAcme(header("HS256", kid, ",\"x5u\":\"" + url + "\""), claims(null), "HmacSHA256"));
            assertInvalid(secret(forge(header("HS256", kid, ",\"jwk\":" + jwk), claims(null), "HmacSHA256",
                    new byte[32])));
            listener.setSoTimeout(300);
            assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void expiredByLeewayPlusOneSecondIsRejectedOnWarmAndColdPaths() {
        LoginResult second = login("acme", "owner@acme.test", OWNER_PW);
        app.principal(ownerToken); // warm: cached
        clock.advance(Duration.ofHours(1).plusSeconds(29));
        app.principal(ownerToken); // within the 30 s leeway
        clock.advance(Duration.ofSeconds(2));
        AuthResult.Rejected warm = app.rejected("Bearer " + ownerToken);
        assertThat(warm.reason()).isEqualTo(RejectionReason.EXPIRED);
        AuthResult.Rejected cold = app.rejected("Bearer " + second.token().reveal());
        assertThat(cold.reason()).isEqualTo(RejectionReason.EXPIRED);
    }

    @Test
    void nbfOrIatInTheFutureAndMissingExpAreRejected() {
        long now = epoch(clock.instant());
        String base = "\"iss\":\"molesignal\",\"aud\":\"molesignal-api\",\"sub\":\"" + owner.subject()
                + "\",\"org_id\":\"acme\",\"jti\":\"" + owner.credentialId() + "\"";
        String h = header("HS256", activeKid(ACME), "");
        assertInvalid(forgeAcme(h, "{" + base + ",\"iat\":" + now + ",\"exp\":" + (now + 600) + ",\"nbf\":"
                + (now + 120) + "}", "HmacSHA256"));
        assertInvalid(forgeAcme(h, "{" + base + ",\"iat\":" + (now + 120) + ",\"exp\":" + (now + 600) + "}",
                "HmacSHA256"));
        assertInvalid(forgeAcme(h, "{" + base + ",\"iat\":" + now + "}", "HmacSHA256"));
        // a lifetime over 24 h
        assertInvalid(forgeAcme(h, "{" + base + ",\"iat\":" + now + ",\"exp\":" + (now + 90_000) + "}", "HmacSHA256"));
    }

    @Test
    void wrongIssAudOrTypIsRejected() {
        String kid = activeKid(ACME);
        assertInvalid(forgeAcme(header("HS256", kid, ""), claims(null).replace("\"iss\":\"molesignal\"",
                "\"iss\":\"evil\""), "HmacSHA256"));
        assertInvalid(forgeAcme(header("HS256", kid, ""), claims(null).replace("\"aud\":\"molesignal-api\"",
                "\"aud\":\"other\""), "HmacSHA256"));
        assertInvalid(forgeAcme(header("HS256", kid, "").replace("at+jwt", "JWT"), claims(null), "HmacSHA256"));
        assertInvalid(forgeAcme("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}", claims(null), "HmacSHA256"));
    }

    @Test
    void orgIdAsNumberOrArrayAndDuplicateClaimsAreRejected() {
        String kid = activeKid(ACME);
        assertInvalid(forgeAcme(header("HS256", kid, ""), claims(null).replace("\"org_id\":\"acme\"",
                "\"org_id\":7"), "HmacSHA256"));
        assertInvalid(forgeAcme(header("HS256", kid, ""), claims(null).replace("\"org_id\":\"acme\"",
                "\"org_id\":[\"acme\"]"), "HmacSHA256"));
        assertInvalid(forgeAcme(header("HS256", kid, ""), claims(null).replace("\"org_id\":\"acme\"",
                "\"org_id\":\"beta\",\"org_id\":\"acme\""), "HmacSHA256"));
    }

    @Test
    void deeplyNestedJsonAndAOneMebibyteTokenAreRejected() {
        String deep = "[".repeat(2500) + "]".repeat(2500);
        assertInvalid(forgeAcme(header("HS256", activeKid(ACME), ""), claims(null).replace("}", "") + ",\"x\":"
                + deep + "}", "HmacSHA256"));
        String huge = secret("eyJ" + "A".repeat(1024 * 1024) + ".e30.sig");
        AuthResult.Rejected r = app.rejected("Bearer " + huge);
        assertThat(r.reason()).isEqualTo(RejectionReason.TOO_LARGE);
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void keyRetiredPastItsGraceIsRejectedAndZeroGraceCutsOffAtOnce() {
        String oldToken = ownerToken;
        KeyRotation r = app.auth.signingKeys().rotate(owner, ctx(owner), Duration.ofHours(1));
        assertThat(audit(ACME, "auth.jwt.rotate", "success")).isEqualTo(1);
        app.principal(oldToken); // in grace
        String fresh = login("acme", "owner@acme.test", OWNER_PW).token().reveal();
        assertThat(fresh).doesNotContain(r.retiringKid());
        Principal p = app.principal(fresh);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(app.rejected("Bearer " + oldToken).reason()).isIn(RejectionReason.KEY_RETIRED,
                RejectionReason.EXPIRED);
        app.principal(fresh);
        // emergency rotation: grace 0
        app.auth.signingKeys().rotate(p, ctx(p), Duration.ZERO);
        assertThat(app.rejected("Bearer " + fresh).reason()).isEqualTo(RejectionReason.KEY_RETIRED);
        // each retired key keeps its own deadline; one active key per org
        assertThat(count("ms_auth_signing_key WHERE active_org = 'acme'")).isEqualTo(1);
        assertThat(count("ms_auth_signing_key WHERE org_id = 'acme' AND active_org IS NULL")).isEqualTo(2);
        assertThat(AuthFixture.queryInstant(db, "SELECT not_after FROM ms_auth_signing_key WHERE kid = '"
                + r.retiringKid() + "'")).isEqualTo(r.retiringUntil());
    }

    @Test
    void rotationRulesGraceBoundsAndCredentialKind() {
        Principal admin = createUserAndLogin(Role.ADMIN, "admin@acme.test");
        String before = activeKid(ACME);
        assertThatThrownBy(() -> app.auth.signingKeys().rotate(admin, ctx(admin), null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.signingKeys().rotate(owner, ctx(owner), Duration.ofHours(25)))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        Principal ownerApi = app.principal(mint(owner, Role.OWNER, Set.of()).token().reveal());
        assertThatThrownBy(() -> app.auth.signingKeys().rotate(ownerApi, ctx(ownerApi), null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(activeKid(ACME)).isEqualTo(before);
        assertThat(audit(ACME, "auth.jwt.rotate", "denied")).isEqualTo(2);
        assertThat(audit(ACME, "auth.jwt.rotate", "failure")).isEqualTo(1);
        // rotation touches only the caller's org
        String betaKid = activeKid(BETA);
        app.auth.signingKeys().rotate(owner, ctx(owner), null);
        assertThat(activeKid(BETA)).isEqualTo(betaKid);
        assertThat(activeKid(ACME)).isNotEqualTo(before);
    }

    // ===================================================================================================
    // Authorization header

    @Test
    void schemeIsCaseInsensitiveAndOnlyOneBearerCredentialIsAccepted() {
        assertThat(app.auth.authenticator().authenticate("bearer " + ownerToken))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(app.auth.authenticator().authenticate("BEARER " + ownerToken))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(app.rejected("Bearer " + ownerToken + " " + ownerToken).reason())
                .isEqualTo(RejectionReason.MALFORMED);
        assertThat(app.rejected("Bearer " + ownerToken + "," + ownerToken).reason())
                .isEqualTo(RejectionReason.MALFORMED);
        assertThat(app.rejected("Bearer\t" + ownerToken).reason()).isEqualTo(RejectionReason.UNSUPPORTED_SCHEME);
        AuthResult.Rejected none = app.rejected(null);
        assertThat(none.reason()).isEqualTo(RejectionReason.MISSING_CREDENTIALS);
        assertThat(none.wwwAuthenticate()).isEqualTo("Bearer");
        assertThat(app.rejected("Bearer ").reason()).isEqualTo(RejectionReason.MISSING_CREDENTIALS);
        assertThat(app.rejected("Bearer \"" + ownerToken + "\"").reason()).isEqualTo(RejectionReason.MALFORMED);
    }

    @Test
    void basicInsteadOfBearerIsRejected() {
        String basic = java.util.Base64.getEncoder().encodeToString(("owner@acme.test:" + OWNER_PW)
                .getBytes(StandardCharsets.UTF_8));
        secret(basic);
        AuthResult.Rejected r = app.rejected("Basic " + basic);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.reason()).isEqualTo(RejectionReason.UNSUPPORTED_SCHEME);
        assertThat(r.wwwAuthenticate()).isEqualTo("Bearer");
        assertThat(app.rejected("Basic " + ownerToken).reason()).isEqualTo(RejectionReason.UNSUPPORTED_SCHEME);
    }

    @Test
    void garbageNeverThrows() {
        for (String h : List.of("", " ", "Bearer", "Bearer    ", "Bearer ms_", "Bearer ...", "Bearer a.b.c",
                "Bearer ms___", "Bearer ====", "Bearer e30.e30.e30", "Negotiate abc", "Bearer \u0000",
                "Bearer " + "x".repeat(9000))) {
            assertThat(app.auth.authenticator().authenticate(h)).isInstanceOf(AuthResult.Rejected.class);
        }
    }

    // ===================================================================================================
    // API tokens

    @Test
    void apiTokenFormatAndUse() {
        long rows = count("ms_auth_api_token");
        NewApiToken t = mint(owner, Role.EDITOR, Set.of());
        String s = t.token().reveal();
        assertThat(s).matches("ms_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}");
        assertThat(s.split("_", -1)).hasSize(3);
        assertThat(t.toString()).doesNotContain(s);
        assertThat(count("ms_auth_api_token")).isEqualTo(rows + 1);
        String digest = queryString(db, "SELECT digest FROM ms_auth_api_token WHERE token_id = '" + t.info().id()
                + "'");
        assertThat(digest).hasSize(64).doesNotContain(s.substring(16));
        Principal p = app.principal(s);
        assertThat(p.credentialKind()).isEqualTo(CredentialKind.API_TOKEN);
        assertThat(p.role()).isEqualTo(Role.EDITOR);
        assertThat(p.org()).isEqualTo(ACME);
        assertThat(t.info().expiresAt()).isEqualTo(t.info().createdAt().plus(Duration.ofDays(90)));
        assertThat(audit(ACME, "auth.token.create", "success")).isEqualTo(1);
    }

    @Test
    void apiTokenTyposAreRejectedWithoutADatabaseHit() {
        String s = mint(owner, Role.EDITOR, Set.of()).token().reveal();
        long lookups = app.auth.authenticator().apiTokenLookups();
        char last = s.charAt(s.length() - 1);
        List<String> bad = new ArrayList<>();
        bad.add(s.substring(0, s.length() - 1) + (last == 'a' ? 'b' : 'a')); // wrong checksum
        bad.add(s.replaceFirst("_", "")); // missing part
        bad.add(s.substring(0, 15) + "_" + s.substring(16, 30) + "_" + s.substring(31)); // extra underscore
        bad.add(s + "_x"); // extra part
        int i = 20;
        while (!Character.isLetter(s.charAt(i))) {
            i++; // a digit has no case: the first letter from position 20 (before: two digits in a row made no typo)
        }
        char c = s.charAt(i);
        char swapped = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
        bad.add(s.substring(0, i) + swapped + s.substring(i + 1)); // case change
        bad.add(s.substring(0, 3).toUpperCase() + s.substring(3)); // MS_
        bad.add(s.substring(0, 40) + "\u0430" + s.substring(41)); // Cyrillic look-alike
        bad.add(s.substring(0, 40) + "\uFF41" + s.substring(41)); // full-width look-alike
        for (String b : bad) {
            assertThat(b).isNotEqualTo(s);
            secret(b);
            AuthResult.Rejected r = app.rejected("Bearer " + b);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.reason()).isIn(RejectionReason.BAD_CHECKSUM, RejectionReason.MALFORMED,
                    RejectionReason.INVALID_TOKEN);
        }
        assertThat(app.auth.authenticator().apiTokenLookups()).isEqualTo(lookups);
    }

    @Test
    void unknownPrefixRunsTheDummyCompare() {
        String s = mint(owner, Role.EDITOR, Set.of()).token().reveal();
        // a token with a valid checksum but an unknown prefix: re-checksum a random body
        String other = secret(mint(owner, Role.EDITOR, Set.of()).token().reveal());
        app.auth.apiTokens().revoke(owner, ctx(owner), idOfPrefix(other.substring(3, 15)));
        db.exec("DELETE FROM ms_auth_api_token WHERE prefix = '" + other.substring(3, 15) + "'");
        long dummies = app.auth.authenticator().dummyDigestCompares();
        assertInvalid(other);
        assertThat(app.auth.authenticator().dummyDigestCompares()).isEqualTo(dummies + 1);
        app.principal(s);
    }

    private String idOfPrefix(String prefix) {
        return queryString(db, "SELECT token_id FROM ms_auth_api_token WHERE prefix = '" + prefix + "'");
    }

    @Test
    void revokedAndExpiredTokensAreRejected() {
        NewApiToken t = mint(owner, Role.EDITOR, Set.of());
        String s = t.token().reveal();
        app.principal(s);
        app.auth.apiTokens().revoke(owner, ctx(owner), t.info().id());
        assertThat(app.rejected("Bearer " + s).reason()).isEqualTo(RejectionReason.REVOKED);
        assertThat(audit(ACME, "auth.token.revoke", "success")).isEqualTo(1);
        NewApiToken shortLived = app.auth.apiTokens().create(owner, ctx(owner), "short", Role.VIEWER, 1, Set.of());
        String s2 = secret(shortLived.token().reveal());
        app.principal(s2);
        clock.advance(Duration.ofDays(1));
        assertThat(app.rejected("Bearer " + s2).reason()).isEqualTo(RejectionReason.EXPIRED);
    }

    @Test
    void mintRulesViewerCannotMintAndExpiryIsBounded() {
        Principal viewer = createUserAndLogin(Role.VIEWER, "viewer@acme.test");
        Principal editor = createUserAndLogin(Role.EDITOR, "editor@acme.test");
        long rows = count("ms_auth_api_token");
        assertThatThrownBy(() -> app.auth.apiTokens().create(viewer, ctx(viewer), "x", Role.OWNER, null, Set.of()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.apiTokens().create(editor, ctx(editor), "x", Role.ADMIN, null, Set.of()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.apiTokens().create(owner, ctx(owner), "x", Role.VIEWER, 366, Set.of()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> app.auth.apiTokens().create(owner, ctx(owner), "x", Role.VIEWER, 0, Set.of()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(count("ms_auth_api_token")).isEqualTo(rows);
        assertThat(audit(ACME, "auth.token.create", "denied")).isEqualTo(2);
        assertThat(audit(ACME, "auth.token.create", "failure")).isEqualTo(2);
        NewApiToken ok = app.auth.apiTokens().create(owner, ctx(owner), "x", Role.VIEWER, 365, Set.of());
        secret(ok.token().reveal());
        assertThat(ok.info().expiresAt()).isEqualTo(ok.info().createdAt().plus(Duration.ofDays(365)));
    }

    @Test
    void anApiTokenCannotMintRotateOrCreateUsers() {
        Principal api = app.principal(mint(owner, Role.OWNER, Set.of()).token().reveal());
        long tokens = count("ms_auth_api_token");
        long users = count("ms_auth_user");
        assertThatThrownBy(() -> app.auth.apiTokens().create(api, ctx(api), "child", Role.VIEWER, null, Set.of()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.users().create(api, ctx(api), "evil@acme.test",
                SecretText.of("password-evil"), Role.OWNER))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.signingKeys().rotate(api, ctx(api), null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.logins().logout(api, ctx(api)))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(count("ms_auth_api_token")).isEqualTo(tokens);
        assertThat(count("ms_auth_user")).isEqualTo(users);
        assertThat(audit(ACME, "auth.token.create", "denied")).isEqualTo(1);
        assertThat(audit(ACME, "user.create", "denied")).isEqualTo(1);
        assertThat(audit(ACME, "auth.jwt.rotate", "denied")).isEqualTo(1);
        assertThat(count("ms_audit_entry WHERE org_id = 'acme' AND outcome = 'denied' AND actor_type = 'api_token'"))
                .isEqualTo(4);
    }

    @Test
    void ingestScopedTokenCannotQuery() {
        Principal ingest = app.principal(mint(owner, Role.EDITOR, Set.of(Scope.INGEST)).token().reveal());
        assertThat(ingest.scopes()).containsExactly(Scope.INGEST);
        ingest.require(Role.EDITOR, Scope.INGEST);
        assertThatThrownBy(() -> ingest.require(Role.VIEWER, Scope.QUERY))
                .extracting(e -> ((MoleSignalException) e).httpStatus()).isEqualTo(403);
        assertThatThrownBy(() -> app.auth.apiTokens().list(ingest, 10, null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void downgradedCreatorCapsTheToken() {
        Principal admin = createUserAndLogin(Role.ADMIN, "admin@acme.test");
        String s = mint(admin, Role.ADMIN, Set.of()).token().reveal();
        assertThat(app.principal(s).role()).isEqualTo(Role.ADMIN);
        app.auth.users().update(owner, ctx(owner), admin.subject(), Role.VIEWER, null);
        assertThat(app.principal(s).role()).isEqualTo(Role.VIEWER);
        app.auth.users().update(owner, ctx(owner), admin.subject(), null, true);
        assertThat(app.rejected("Bearer " + s).reason()).isEqualTo(RejectionReason.DISABLED);
    }

    @Test
    void lastUsedIsWrittenAtMostOncePerFiveMinutesInTheBackground() {
        NewApiToken t = mint(owner, Role.VIEWER, Set.of());
        String s = t.token().reveal();
        app.principal(s);
        app.principal(s);
        app.principal(s);
        assertThat(app.runDeferred()).isEqualTo(1);
        assertThat(queryString(db, "SELECT last_used_at FROM ms_auth_api_token WHERE token_id = '" + t.info().id()
                + "'")).isNotNull();
        app.ticker.advance(Duration.ofMinutes(4));
        app.principal(s);
        assertThat(app.runDeferred()).isZero();
        app.ticker.advance(Duration.ofMinutes(1).plusSeconds(1));
        app.principal(s);
        assertThat(app.runDeferred()).isEqualTo(1);
        assertThat(app.auth.lastUsedWrites()).isEqualTo(2);
    }

    @Test
    void editorsListTheirOwnTokensAdminsAll() {
        Principal editor = createUserAndLogin(Role.EDITOR, "editor@acme.test");
        mint(editor, Role.VIEWER, Set.of());
        mint(owner, Role.VIEWER, Set.of());
        assertThat(app.auth.apiTokens().list(editor, 100, null).items()).hasSize(1);
        assertThat(app.auth.apiTokens().list(owner, 100, null).items()).hasSize(2);
        String ownerTokenId = app.auth.apiTokens().list(owner, 100, null).items().stream()
                .filter(t -> t.createdBy().equals(owner.subject())).findFirst().orElseThrow().id();
        assertThatThrownBy(() -> app.auth.apiTokens().revoke(editor, ctx(editor), ownerTokenId))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(count("ms_auth_api_token WHERE revoked_at IS NOT NULL")).isZero();
    }

    // ===================================================================================================
    // Login

    @Test
    void unknownUserRunsTheDummyHashAndIsAnsweredLikeAWrongPassword() throws Exception {
        long dummies = app.auth.dummyHashCount();
        MoleSignalException unknown = loginFails("acme", "nobody@acme.test", "whatever-1");
        assertThat(app.auth.dummyHashCount()).isEqualTo(dummies + 1);
        MoleSignalException wrong = loginFails("acme", "owner@acme.test", "wrong-password");
        assertThat(app.auth.dummyHashCount()).isEqualTo(dummies + 1);
        MoleSignalException noOrg = loginFails("nope", "owner@acme.test", OWNER_PW);
        assertThat(app.auth.dummyHashCount()).isEqualTo(dummies + 2);
        for (MoleSignalException e : List.of(unknown, wrong, noOrg)) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(e.getMessage()).isEqualTo(unknown.getMessage());
        }
        assertThat(AuthFixture.awaitCount(db, "SELECT COUNT(*) FROM ms_audit_entry WHERE org_id = '_meta' AND "
                + "action = 'auth.login' AND outcome = 'failure'", 2)).isEqualTo(2);
        assertThat(AuthFixture.awaitCount(db, "SELECT COUNT(*) FROM ms_audit_entry WHERE org_id = 'acme' AND "
                + "action = 'auth.login' AND outcome = 'failure'", 1)).isEqualTo(1);
        assertThat(count("ms_audit_entry WHERE details LIKE '%whatever%' OR details LIKE '%wrong-password%'"))
                .isZero();
    }

    private MoleSignalException loginFails(String org, String email, String pw) {
        try {
            app.auth.logins().login(org, email, SecretText.of(pw), null, "10.0.0.9");
        } catch (MoleSignalException e) {
            return e;
        }
        throw new AssertionError("login succeeded");
    }

    @Test
    void passwordLengthIsCappedBeforeHashing() {
        long hashes = app.auth.passwordVerifications();
        String longPw = "p".repeat(1025);
        assertThat(loginFails("acme", "owner@acme.test", longPw).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(app.auth.passwordVerifications()).isEqualTo(hashes);
        assertThatThrownBy(() -> app.auth.users().create(owner, ctx(owner), "x@acme.test", SecretText.of(longPw),
                Role.VIEWER)).extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(count("ms_auth_user WHERE email = 'x@acme.test'")).isZero();
    }

    @Test
    void failedLoginsAreThrottledPerAccountWithGrowingBackOffKnownOrNot() {
        for (String email : List.of("owner@acme.test", "ghost@acme.test")) {
            for (int i = 0; i < 5; i++) {
                assertThat(loginFails("acme", email, "bad-password").code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            }
            MoleSignalException e = loginFails("acme", email, "bad-password");
            assertThat(e).isInstanceOf(LoginThrottledException.class);
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(((LoginThrottledException) e).retryAfterSeconds()).isEqualTo(300);
        }
        // the right password is throttled too while blocked
        assertThat(loginFails("acme", "OWNER@acme.test", OWNER_PW)).isInstanceOf(LoginThrottledException.class);
        app.ticker.advance(Duration.ofSeconds(301));
        assertThat(loginFails("acme", "owner@acme.test", "bad-password").code())
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        LoginThrottledException doubled = (LoginThrottledException) loginFails("acme", "owner@acme.test", "x-bad-1");
        assertThat(doubled.retryAfterSeconds()).isEqualTo(600);
        app.ticker.advance(Duration.ofSeconds(601));
        loginFails("acme", "owner@acme.test", "bad-password");
        app.ticker.advance(Duration.ofSeconds(901));
        loginFails("acme", "owner@acme.test", "bad-password");
        LoginThrottledException capped = (LoginThrottledException) loginFails("acme", "owner@acme.test", "x-bad-2");
        assertThat(capped.retryAfterSeconds()).isEqualTo(900);
        app.ticker.advance(Duration.ofSeconds(901));
        assertThat(login("acme", "owner@acme.test", OWNER_PW).org()).isEqualTo(ACME); // never a permanent lock-out
    }

    @Test
    void failedLoginsAreThrottledPerSourceAddress() {
        for (int i = 0; i < 50; i++) {
            loginFails("acme", "spray" + i + "@acme.test", "bad-password");
        }
        assertThat(loginFails("acme", "fresh@acme.test", "bad-password")).isInstanceOf(LoginThrottledException.class);
        // another source is not affected
        assertThat(app.auth.logins().login("acme", "owner@acme.test", SecretText.of(OWNER_PW), null, "10.9.9.9")
                .org()).isEqualTo(ACME);
    }

    @Test
    void concurrentHashingIsBoundedAndExcessGets429() throws Exception {
        int permits = app.auth.hashPermits.availablePermits();
        app.auth.hashPermits.acquire(permits); // every hashing slot busy
        try {
            long hashes = app.auth.passwordVerifications();
            MoleSignalException e = loginFails("acme", "owner@acme.test", OWNER_PW);
            assertThat(e).isInstanceOf(LoginThrottledException.class);
            assertThat(((LoginThrottledException) e).retryAfterSeconds()).isEqualTo(1);
            assertThat(app.auth.passwordVerifications()).isEqualTo(hashes);
        } finally {
            app.auth.hashPermits.release(permits);
        }
        login("acme", "owner@acme.test", OWNER_PW);
    }

    @Test
    void throttleCanBeSwitchedOffForTests() {
        app.close();
        app = newApp(false);
        for (int i = 0; i < 8; i++) {
            assertThat(loginFails("acme", "owner@acme.test", "bad-password").code())
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @Test
    void loginSucceedsAuditedAndWritesASession() {
        long sessions = count("ms_auth_session");
        LoginResult r = login("acme", "Owner@ACME.test", OWNER_PW);
        assertThat(r.role()).isEqualTo(Role.OWNER);
        assertThat(r.expiresAt()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plus(Duration.ofHours(1)));
        assertThat(count("ms_auth_session")).isEqualTo(sessions + 1);
        assertThat(audit(ACME, "auth.login", "success")).isGreaterThanOrEqualTo(2);
        assertThat(r.toString()).doesNotContain(r.token().reveal());
    }

    @Test
    void logoutRevokesThatJwtOnly() {
        LoginResult other = login("acme", "owner@acme.test", OWNER_PW);
        app.auth.logins().logout(owner, ctx(owner));
        assertThat(app.rejected("Bearer " + ownerToken).reason()).isEqualTo(RejectionReason.REVOKED);
        app.principal(other.token().reveal());
        assertThat(audit(ACME, "auth.logout", "success")).isEqualTo(1);
    }

    @Test
    void passwordChangeRevokesTheOtherJwts() {
        LoginResult other = login("acme", "owner@acme.test", OWNER_PW);
        app.principal(other.token().reveal());
        assertThatThrownBy(() -> app.auth.logins().changePassword(owner, ctx(owner), SecretText.of("wrong-one"),
                SecretText.of("new-password-1"))).extracting(e -> ((MoleSignalException) e).code())
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        app.principal(other.token().reveal());
        app.auth.logins().changePassword(owner, ctx(owner), SecretText.of(OWNER_PW), SecretText.of("new-password-1"));
        assertThat(app.rejected("Bearer " + other.token().reveal()).reason()).isEqualTo(RejectionReason.REVOKED);
        app.principal(ownerToken);
        assertThat(audit(ACME, "auth.password.change", "success")).isEqualTo(1);
        assertThat(audit(ACME, "auth.password.change", "failure")).isEqualTo(1);
        assertThat(loginFails("acme", "owner@acme.test", OWNER_PW).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        login("acme", "owner@acme.test", "new-password-1");
        secrets.add("new-password-1");
    }

    // ===================================================================================================
    // Users and orgs

    @Test
    void userManagementRules() {
        Principal admin = createUserAndLogin(Role.ADMIN, "admin@acme.test");
        User second = app.auth.users().create(owner, ctx(owner), "owner2@acme.test", SecretText.of("password-2x"),
                Role.OWNER);
        // admins cannot grant or touch owner
        assertThatThrownBy(() -> app.auth.users().create(admin, ctx(admin), "o3@acme.test",
                SecretText.of("password-3x"), Role.OWNER)).extracting(e -> ((MoleSignalException) e).code())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.users().update(admin, ctx(admin), second.id(), Role.VIEWER, null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.auth.users().delete(admin, ctx(admin), owner.subject()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        // oneself
        assertThatThrownBy(() -> app.auth.users().update(admin, ctx(admin), admin.subject(), Role.VIEWER, null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        assertThatThrownBy(() -> app.auth.users().delete(owner, ctx(owner), owner.subject()))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        // e-mails unique per org (after normalisation), not across orgs
        assertThatThrownBy(() -> app.auth.users().create(owner, ctx(owner), "ADMIN@acme.test",
                SecretText.of("password-4x"), Role.VIEWER)).extracting(e -> ((MoleSignalException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        // last owner: with two owners one can go; then the last cannot
        app.auth.users().update(owner, ctx(owner), second.id(), Role.ADMIN, null);
        Principal owner2 = app.principal(login("acme", "owner2@acme.test", "password-2x").token().reveal());
        assertThat(owner2.role()).isEqualTo(Role.ADMIN);
        assertThatThrownBy(() -> app.auth.users().update(owner2, ctx(owner2), owner.subject(), Role.ADMIN, null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(count("ms_auth_user WHERE org_id = 'acme' AND role = 'owner'")).isEqualTo(1);
        assertThat(audit(ACME, "user.update", "denied")).isEqualTo(2);
        assertThat(audit(ACME, "user.update", "failure")).isEqualTo(1);
        assertThat(audit(ACME, "user.delete", "failure")).isEqualTo(1);
        assertThat(audit(ACME, "user.create", "failure")).isEqualTo(1);
        // delete works and revokes the user's credentials
        String adminToken = mint(admin, Role.ADMIN, Set.of()).token().reveal();
        app.auth.users().delete(owner, ctx(owner), admin.subject());
        assertThat(app.rejected("Bearer " + adminToken).status()).isEqualTo(401);
        assertThat(audit(ACME, "user.delete", "success")).isEqualTo(1);
        // another org's user answers 404
        User betaUser = app.auth.users().list(app.principal(login("beta", "owner@beta.test", OWNER_PW).token()
                .reveal()), 10, null).items().get(0);
        assertThatThrownBy(() -> app.auth.users().update(owner, ctx(owner), betaUser.id(), Role.VIEWER, null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void lastOwnerCannotBeDemotedOrDisabled() {
        Principal p = owner;
        User second = app.auth.users().create(p, ctx(p), "owner2@acme.test", SecretText.of("password-2x"),
                Role.OWNER);
        Principal owner2 = app.principal(login("acme", "owner2@acme.test", "password-2x").token().reveal());
        app.auth.users().update(owner2, ctx(owner2), owner.subject(), null, true);
        assertThatThrownBy(() -> app.auth.users().update(owner2, ctx(owner2), second.id(), Role.ADMIN, null))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(app.rejected("Bearer " + ownerToken).reason()).isEqualTo(RejectionReason.DISABLED);
    }

    @Test
    void roleChangeTakesEffectOnLiveTokens() {
        Principal admin = createUserAndLogin(Role.ADMIN, "admin@acme.test");
        String adminJwt = secrets.get(secrets.size() - 1);
        app.auth.users().update(owner, ctx(owner), admin.subject(), Role.VIEWER, null);
        assertThat(app.principal(adminJwt).role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void orgCreationIsOneTransactionWithOwnerAndKey() {
        assertThat(count("ms_auth_signing_key WHERE active_org = 'acme'")).isEqualTo(1);
        assertThat(count("ms_auth_user WHERE org_id = 'acme' AND role = 'owner'")).isEqualTo(1);
        assertThat(audit(ACME, "org.create", "success")).isEqualTo(1);
        assertThat(audit(ACME, "user.create", "success")).isEqualTo(1);
        long users = count("ms_auth_user");
        assertThatThrownBy(() -> app.auth.orgs().create(root, ctx(root), ACME, "x@acme.test",
                SecretText.of("password-xx"))).extracting(e -> ((MoleSignalException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        assertThatThrownBy(() -> app.auth.orgs().create(owner, ctx(owner), OrgId.of("gamma"), "x@g.test",
                SecretText.of("password-xx"))).extracting(e -> ((MoleSignalException) e).code())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(count("ms_auth_user")).isEqualTo(users);
        assertThat(count("ms_org WHERE org_id = 'gamma'")).isZero();
        assertThat(audit(OrgId.META, "org.create", "failure")).isEqualTo(1);
        assertThat(audit(ACME, "org.create", "denied")).isEqualTo(1);
        assertThat(app.auth.orgs().list(root, 10, null).items()).extracting(o -> o.id().value())
                .contains("_meta", "acme", "beta");
    }

    @Test
    void credentialsOfADisabledOrgAreRefused() {
        String api = mint(owner, Role.VIEWER, Set.of()).token().reveal();
        app.principal(api);
        app.auth.orgs().setDisabled(root, ctx(root), ACME, true);
        assertThat(app.rejected("Bearer " + ownerToken).reason()).isEqualTo(RejectionReason.DISABLED);
        assertThat(app.rejected("Bearer " + api).reason()).isEqualTo(RejectionReason.DISABLED);
        assertThat(loginFails("acme", "owner@acme.test", OWNER_PW).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(audit(ACME, "org.update", "success")).isEqualTo(1);
        app.auth.orgs().setDisabled(root, ctx(root), ACME, false);
        app.principal(ownerToken);
    }

    @Test
    void rootBootstrapIsIdempotentAndGeneratesAPasswordOnce() {
        assertThat(app.auth.bootstrapRoot("root@ms.test", null)).isEmpty();
        assertThat(count("ms_auth_user WHERE org_id = '_meta'")).isEqualTo(1);
        assertThat(root.isPlatformRoot()).isTrue();
        assertThat(app.auth.users().list(root, 10, null).items()).allMatch(u -> u.org().equals(OrgId.META));
    }

    @Test
    void signingKeysAreSealedAtRest() {
        assertThat(count("ms_auth_signing_key WHERE sealed = FALSE")).isZero();
        assertThat(queryString(db, "SELECT key_value FROM ms_auth_signing_key WHERE active_org = 'acme'"))
                .startsWith("t1.k1.");
    }
}
