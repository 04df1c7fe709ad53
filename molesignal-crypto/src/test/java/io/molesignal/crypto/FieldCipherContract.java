package io.molesignal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.testing.LogCapture;
import io.molesignal.core.CredentialKind;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Page;
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
import io.molesignal.core.spi.CipherFunctions;
import io.molesignal.core.testing.FakeTicker;
import io.molesignal.core.testing.MutableClock;
import io.molesignal.core.testing.TestDb;

/**
 * The behaviour of {@link FieldCipher}, {@link CipherKeys} and {@link CipherRootKey} against a real database; run
 * by {@code FieldCipherH2IT} and {@code FieldCipherPostgresIT}. Every test also checks that no log line (captured
 * with a logback ListAppender) contains a root key.
 */
public abstract class FieldCipherContract {
    protected static final OrgId ACME = OrgId.of("acme");
    protected static final OrgId BETA = OrgId.of("beta");
    private static final SecureRandom RANDOM = new SecureRandom();

    protected TestDb db;
    protected final FakeTicker ticker = new FakeTicker();
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:15:00Z"));
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> rootKeyTexts = new ArrayList<>();
    private LogCapture logs;
    protected byte[] rootA;
    protected CipherRootKey root;
    protected AuditLog audit;
    protected FieldCipher cipher;

    protected abstract TestDb openDatabase(String name);

    @BeforeEach
    void setUp() {
        logs = new LogCapture();
        db = openDatabase(getClass().getSimpleName());
        db.database().migrate("core");
        db.database().migrate("crypto");
        rootA = newRootBytes();
        root = CipherRootKey.ofBytes(rootA, null);
        audit = newAudit(root);
        cipher = newCipher(root, audit, b -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            assertThat(logs.size()).isPositive();
            for (String line : logs.lines()) {
                for (String secret : rootKeyTexts) {
                    assertThat(line).doesNotContain(secret);
                }
            }
        } finally {
            logs.close();
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
            db.close();
        }
    }

    protected byte[] newRootBytes() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        rootKeyTexts.add(Base64.getEncoder().encodeToString(k));
        rootKeyTexts.add(Base64.getUrlEncoder().withoutPadding().encodeToString(k));
        rootKeyTexts.add(HexFormat.of().formatHex(k));
        return k;
    }

    protected AuditLog newAudit(CipherRootKey rootKey) {
        AuditLog log = AuditLog.builder(db.database()).clock(clock).ticker(ticker)
                .sealer(rootKey == null ? null : rootKey.sealer()).build();
        closeables.add(log);
        return log;
    }

    protected FieldCipher newCipher(CipherRootKey rootKey, AuditLog log, Consumer<FieldCipher.Builder> custom) {
        FieldCipher.Builder b = FieldCipher.builder(db.database(), log).rootKey(rootKey).clock(clock).ticker(ticker);
        custom.accept(b);
        FieldCipher c = b.build();
        closeables.add(c);
        return c;
    }

    protected static Principal principal(OrgId org, Role role) {
        return new Principal(org, "u-" + role.wireName(), role, CredentialKind.JWT, "jti-1", Set.of());
    }

    protected static AuditContext ctx() {
        return new AuditContext(new Actor(ActorType.USER, "u-admin", "admin@acme.test"), "req-1", "127.0.0.1");
    }

    protected CipherKeyInfo create(OrgId org, String name, CipherKeyKind kind) {
        return cipher.keys().create(principal(org, Role.ADMIN), ctx(), name, kind);
    }

    protected static CipherFailure failure(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(CipherException.class);
        return ((CipherException) t).failure();
    }

    protected static ErrorCode code(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(MoleSignalException.class);
        return ((MoleSignalException) t).code();
    }

    protected List<AuditEntry> auditEntries(OrgId org) {
        return audit.query(principal(org, Role.OWNER), AuditQuery.newest().withLimit(1000)).entries();
    }

    private static String unicode(int targetBytes) {
        String unit = "héllo wörld ✓ 日本語 😀 𝄞 ";
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        while (bytes + unitBytes <= targetBytes) {
            sb.append(unit);
            bytes += unitBytes;
        }
        sb.append("a".repeat(targetBytes - bytes));
        return sb.toString();
    }

    // ---- round trips ----

    @Test
    void roundTripsEmptyUnicodeLargeAndNullForBothKinds() {
        create(ACME, "gcm", CipherKeyKind.AES256_GCM);
        create(ACME, "siv", CipherKeyKind.AES256_SIV);
        String mib = "a".repeat(1 << 20);
        String unicodeMib = unicode(1 << 20);
        assertThat(unicodeMib.getBytes(StandardCharsets.UTF_8)).hasSize(1 << 20);
        List<String> values = List.of("", "x", "héllo wörld ✓ 日本語 😀 𝄞", "a".repeat(16 * 1024 - 1),
                "b".repeat(16 * 1024), unicode(64 * 1024), mib, unicodeMib);
        for (String key : List.of("gcm", "siv")) {
            for (String v : values) {
                String ct = cipher.encrypt(ACME, key, "user.email", v);
                assertThat(ct).startsWith(key.equals("gcm") ? "ms1r." : "ms1d.").matches("ms1[rd]\\.[A-Za-z0-9_-]*");
                assertThat(cipher.decrypt(ACME, key, "user.email", ct)).isEqualTo(v);
            }
            assertThat(cipher.encrypt(ACME, key, "f", null)).isNull();
            assertThat(cipher.decrypt(ACME, key, "f", null)).isNull();
            // One byte over the limit, in ASCII and in multi-byte characters: refused, nothing encrypted.
            assertThat(failure(() -> cipher.encrypt(ACME, key, "f", mib + "a"))).isEqualTo(CipherFailure.INVALID_INPUT);
            assertThat(code(() -> cipher.encrypt(ACME, key, "f", unicodeMib.substring(1) + "é")))
                    .isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(failure(() -> cipher.encrypt(ACME, key, "f", "bad \uD83D surrogate")))
                    .isEqualTo(CipherFailure.INVALID_INPUT);
            assertThat(failure(() -> cipher.encrypt(ACME, key, "x".repeat(257), "v")))
                    .isEqualTo(CipherFailure.INVALID_INPUT);
            // Text longer than any allowed value encrypts to is not a ciphertext (a decrypt failure, not bad input).
            String huge = (key.equals("gcm") ? "ms1r." : "ms1d.") + "A".repeat(1_500_000);
            Throwable t = catchThrowable(() -> cipher.decrypt(ACME, key, "f", huge));
            assertThat(((CipherException) t).failure()).isEqualTo(CipherFailure.NOT_A_CIPHERTEXT);
            assertThat(((CipherException) t).code()).isEqualTo(ErrorCode.DECRYPT_FAILED);
        }
    }

    @Test
    void randomModeDiffersDeterministicModeRepeats() {
        create(ACME, "gcm", CipherKeyKind.AES256_GCM);
        create(ACME, "siv", CipherKeyKind.AES256_SIV);
        assertThat(cipher.encrypt(ACME, "gcm", "f", "alice@example.com"))
                .isNotEqualTo(cipher.encrypt(ACME, "gcm", "f", "alice@example.com"));
        String d1 = cipher.encrypt(ACME, "siv", "f", "alice@example.com");
        assertThat(cipher.encrypt(ACME, "siv", "f", "alice@example.com")).isEqualTo(d1);
        // Deterministic per field: the same value in another field encrypts differently.
        assertThat(cipher.encrypt(ACME, "siv", "g", "alice@example.com")).isNotEqualTo(d1);
        assertThat(cipher.keyKind(ACME, "gcm")).isEqualTo(CipherFunctions.KeyKind.RANDOMIZED);
        assertThat(cipher.keyKind(ACME, "siv")).isEqualTo(CipherFunctions.KeyKind.DETERMINISTIC);
        assertThat(cipher.candidateCiphertexts(ACME, "siv", "f", "alice@example.com")).containsExactly(d1);
        assertThat(failure(() -> cipher.candidateCiphertexts(ACME, "gcm", "f", "x")))
                .isEqualTo(CipherFailure.INVALID_INPUT);
    }

    // ---- binding to org, key and field ----

    @Test
    void anotherOrgKeyOrFieldCannotDecrypt() {
        for (CipherKeyKind kind : CipherKeyKind.values()) {
            String k = "k-" + kind.wireName();
            create(ACME, k, kind);
            create(BETA, k, kind);
            create(ACME, k + "-other", kind);
            String secret = "secret-value-" + kind;
            String ct = cipher.encrypt(ACME, k, "user.email", secret);
            List<ThrowingCallable> attacks = List.of(
                    () -> cipher.decrypt(BETA, k, "user.email", ct),
                    () -> cipher.decrypt(ACME, k, "user.name", ct),
                    () -> cipher.decrypt(ACME, k, "", ct),
                    () -> cipher.decrypt(ACME, k + "-other", "user.email", ct));
            for (ThrowingCallable a : attacks) {
                Throwable t = catchThrowable(a);
                assertThat(t).isInstanceOf(CipherException.class).hasMessageNotContaining(secret)
                        .hasMessageNotContaining(ct);
                assertThat(((CipherException) t).failure())
                        .isIn(CipherFailure.AUTHENTICATION_FAILED, CipherFailure.UNKNOWN_KEY_VERSION);
                assertThat(((CipherException) t).code()).isEqualTo(ErrorCode.DECRYPT_FAILED);
            }
            assertThat(failure(() -> cipher.decrypt(ACME, k, "user.name", ct)))
                    .isEqualTo(CipherFailure.AUTHENTICATION_FAILED);
            // A name the org does not have is not found, whoever else has it.
            assertThat(failure(() -> cipher.decrypt(BETA, k + "-other", "user.email", ct)))
                    .isEqualTo(CipherFailure.UNKNOWN_KEY);
            assertThat(code(() -> cipher.encrypt(BETA, k + "-other", "f", "x"))).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(code(() -> cipher.keyKind(BETA, k + "-other"))).isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void aKeysetRowCopiedToAnotherOrgDoesNotOpen() throws Exception {
        create(ACME, "k", CipherKeyKind.AES256_GCM);
        create(BETA, "k", CipherKeyKind.AES256_GCM);
        String ct = cipher.encrypt(ACME, "k", "f", "acme secret");
        // An attacker with database access copies acme's keyset (and its version rows) over beta's key "k", and
        // also inserts it as a new key "stolen" of beta.
        try (Connection c = db.dataSource().getConnection()) {
            String keyset;
            long keyId;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT k.keyset, v.key_id FROM ms_cipher_key k JOIN ms_cipher_key_version v"
                            + " ON v.org_id = k.org_id AND v.name = k.name WHERE k.org_id = 'acme' AND k.name = 'k'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                keyset = rs.getString(1);
                keyId = rs.getLong(2);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE ms_cipher_key SET keyset = ? WHERE org_id = 'beta' AND name = 'k'")) {
                ps.setString(1, keyset);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE ms_cipher_key_version SET key_id = ? WHERE org_id = 'beta' AND name = 'k'")) {
                ps.setLong(1, keyId);
                ps.executeUpdate();
            }
            db.exec("INSERT INTO ms_cipher_key SELECT 'beta', 'stolen', kind, keyset, root_fingerprint,"
                    + " primary_version, created_at, updated_at FROM ms_cipher_key WHERE org_id = 'acme' AND name = 'k'");
            db.exec("INSERT INTO ms_cipher_key_version SELECT 'beta', 'stolen', version, key_id, status,"
                    + " reserved_encryptions, created_at FROM ms_cipher_key_version WHERE org_id = 'acme' AND name = 'k'");
        }
        FieldCipher fresh = newCipher(root, audit, b -> { });
        for (String name : List.of("k", "stolen")) {
            Throwable t = catchThrowable(() -> fresh.decrypt(BETA, name, "f", ct));
            assertThat(t).isInstanceOf(CipherException.class).hasMessageNotContaining("acme secret");
            assertThat(((CipherException) t).failure()).isEqualTo(CipherFailure.KEYSET_INVALID);
            assertThat(failure(() -> fresh.encrypt(BETA, name, "f", "x"))).isEqualTo(CipherFailure.KEYSET_INVALID);
            assertThat(code(() -> fresh.keys().get(principal(BETA, Role.ADMIN), name)))
                    .isEqualTo(ErrorCode.UNAVAILABLE);
        }
        // The owner still reads its own value.
        assertThat(fresh.decrypt(ACME, "k", "f", ct)).isEqualTo("acme secret");
    }

    // ---- tampering: every single change fails (exhaustive loop property) ----

    @Test
    void changingAnySingleCharacterOrByteOfACiphertextFails() {
        for (CipherKeyKind kind : CipherKeyKind.values()) {
            String k = "t-" + kind.wireName();
            create(ACME, k, kind);
            String secret = "tamper-me-" + kind;
            String ct = cipher.encrypt(ACME, k, "f", secret);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. é\u0000";
            int attempts = 0;
            for (int i = 0; i < ct.length(); i++) {
                for (int a = 0; a < alphabet.length(); a++) {
                    char r = alphabet.charAt(a);
                    if (r == ct.charAt(i)) {
                        continue;
                    }
                    String edited = ct.substring(0, i) + r + ct.substring(i + 1);
                    assertDecryptFails(k, edited, secret);
                    attempts++;
                }
            }
            // Every bit of the decoded payload, re-encoded canonically.
            byte[] payload = Base64.getUrlDecoder().decode(ct.substring(5));
            for (int i = 0; i < payload.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] p = payload.clone();
                    p[i] ^= (byte) (1 << bit);
                    assertDecryptFails(k, ct.substring(0, 5) + Base64.getUrlEncoder().withoutPadding().encodeToString(p),
                            secret);
                    attempts++;
                }
            }
            // Every truncation, and an appended character.
            for (int n = 0; n < ct.length(); n++) {
                assertDecryptFails(k, ct.substring(0, n), secret);
            }
            assertDecryptFails(k, ct + "A", secret);
            assertThat(attempts).isGreaterThan(1000);
            assertThat(cipher.decrypt(ACME, k, "f", ct)).isEqualTo(secret);
        }
        // Values that are not ciphertexts at all say so.
        create(ACME, "plain", CipherKeyKind.AES256_GCM);
        for (String notCt : List.of("hello", "", "ms1r.", "ms1x.AAAA", "vault:v1:abcd", "ms1d.AQAAAAA")) {
            assertThat(failure(() -> cipher.decrypt(ACME, "plain", "f", notCt)))
                    .isEqualTo(CipherFailure.NOT_A_CIPHERTEXT);
        }
    }

    private void assertDecryptFails(String key, String text, String secret) {
        Throwable t = catchThrowable(() -> cipher.decrypt(ACME, key, "f", text));
        assertThat(t).as("decrypting an edited ciphertext").isInstanceOf(CipherException.class)
                .hasMessageNotContaining(secret);
        assertThat(((CipherException) t).failure()).isIn(CipherFailure.NOT_A_CIPHERTEXT,
                CipherFailure.AUTHENTICATION_FAILED, CipherFailure.UNKNOWN_KEY_VERSION);
    }

    // ---- rotation, versions ----

    @Test
    void rotationKeepsOldCiphertextsReadableAndDisabledVersionsFailWithTheirReason() {
        for (CipherKeyKind kind : CipherKeyKind.values()) {
            String k = "r-" + kind.wireName();
            CipherKeyInfo created = create(ACME, k, kind);
            assertThat(created.primaryVersion()).isEqualTo(1);
            assertThat(created.versions()).extracting(CipherKeyVersion::status)
                    .containsExactly(CipherKeyVersion.Status.ENABLED);
            String v1 = cipher.encrypt(ACME, k, "f", "same value");
            CipherKeyInfo rotated = cipher.keys().rotate(principal(ACME, Role.ADMIN), ctx(), k);
            assertThat(rotated.primaryVersion()).isEqualTo(2);
            assertThat(rotated.versions()).extracting(CipherKeyVersion::version).containsExactly(1, 2);
            String v2 = cipher.encrypt(ACME, k, "f", "same value");
            assertThat(v2.substring(5, 12)).as("key id differs").isNotEqualTo(v1.substring(5, 12));
            assertThat(cipher.decrypt(ACME, k, "f", v1)).isEqualTo("same value");
            assertThat(cipher.decrypt(ACME, k, "f", v2)).isEqualTo("same value");
            if (kind == CipherKeyKind.AES256_SIV) {
                assertThat(cipher.candidateCiphertexts(ACME, k, "f", "same value")).containsExactly(v1, v2);
            }

            // The primary cannot be disabled.
            assertThat(code(() -> cipher.keys().disableVersion(principal(ACME, Role.ADMIN), ctx(), k, 2)))
                    .isEqualTo(ErrorCode.CONFLICT);
            assertThat(code(() -> cipher.keys().disableVersion(principal(ACME, Role.ADMIN), ctx(), k, 3)))
                    .isEqualTo(ErrorCode.NOT_FOUND);
            CipherKeyInfo disabled = cipher.keys().disableVersion(principal(ACME, Role.ADMIN), ctx(), k, 1);
            assertThat(disabled.versions()).extracting(CipherKeyVersion::status)
                    .containsExactly(CipherKeyVersion.Status.DISABLED, CipherKeyVersion.Status.ENABLED);
            Throwable t = catchThrowable(() -> cipher.decrypt(ACME, k, "f", v1));
            assertThat(t).isInstanceOf(CipherException.class).hasMessageContaining("version 1")
                    .hasMessageContaining("disabled").hasMessageNotContaining("same value");
            assertThat(((CipherException) t).failure()).isEqualTo(CipherFailure.DISABLED_KEY_VERSION);
            assertThat(((CipherException) t).code()).isEqualTo(ErrorCode.DECRYPT_FAILED);
            assertThat(cipher.decrypt(ACME, k, "f", v2)).isEqualTo("same value");
            if (kind == CipherKeyKind.AES256_SIV) {
                assertThat(cipher.candidateCiphertexts(ACME, k, "f", "same value")).containsExactly(v2);
            }
            // The disabled state is in the sealed keyset: a fresh instance sees it too.
            FieldCipher other = newCipher(root, audit, b -> { });
            assertThat(failure(() -> other.decrypt(ACME, k, "f", v1))).isEqualTo(CipherFailure.DISABLED_KEY_VERSION);

            cipher.keys().enableVersion(principal(ACME, Role.ADMIN), ctx(), k, 1);
            assertThat(cipher.decrypt(ACME, k, "f", v1)).isEqualTo("same value");
        }
        List<AuditEntry> entries = auditEntries(ACME);
        assertThat(entries).extracting(AuditEntry::action).contains("cipher_key.create", "cipher_key.rotate",
                "cipher_key.version.disable", "cipher_key.version.enable");
        AuditEntry disable = entries.stream().filter(e -> e.action().equals("cipher_key.version.disable")
                && e.outcome() == Outcome.SUCCESS).findFirst().orElseThrow();
        assertThat(disable.details()).containsEntry("name", "r-aes256_siv").containsEntry("version", 1L)
                .containsEntry("primary_version", 2L).containsEntry("kind", "aes256_siv");
        assertThat(entries).anyMatch(e -> e.action().equals("cipher_key.version.disable")
                && e.outcome() == Outcome.FAILURE && e.status() == 409);
        assertThat(audit.verify(ACME).ok()).isTrue();
    }

    @Test
    void anotherInstancesRotationIsSeenByDecryption() {
        create(ACME, "k", CipherKeyKind.AES256_GCM);
        FieldCipher other = newCipher(root, audit, b -> { });
        assertThat(other.decrypt(ACME, "k", "f", cipher.encrypt(ACME, "k", "f", "v1"))).isEqualTo("v1");
        cipher.keys().rotate(principal(ACME, Role.ADMIN), ctx(), "k");
        String v2 = cipher.encrypt(ACME, "k", "f", "v2");
        ticker.advance(Duration.ofSeconds(2));
        // other's cached keyset lacks version 2: the unknown key id reloads it once.
        assertThat(other.decrypt(ACME, "k", "f", v2)).isEqualTo("v2");
    }

    // ---- the encryption budget ----

    @Test
    void randomNonceKeysRotateWhenTheirBudgetIsReservedAcrossInstances() throws Exception {
        long budget = 10;
        FieldCipher a = newCipher(root, audit, b -> b.gcmEncryptionBudget(budget).budgetReservationBlock(4));
        FieldCipher b2 = newCipher(root, audit, b -> b.gcmEncryptionBudget(budget).budgetReservationBlock(3));
        a.keys().create(principal(ACME, Role.ADMIN), ctx(), "k", CipherKeyKind.AES256_GCM);
        Map<String, Integer> perKeyId = new HashMap<>();
        List<String> cts = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            FieldCipher c = i % 3 == 0 ? b2 : a;
            String ct = c.encrypt(ACME, "k", "f", "value-" + i);
            cts.add(ct);
            byte[] payload = Base64.getUrlDecoder().decode(ct.substring(5));
            perKeyId.merge(HexFormat.of().formatHex(payload, 1, 5), 1, Integer::sum);
        }
        // No version encrypted more than its budget, and the counts in the database bound what was done.
        assertThat(perKeyId.values()).allMatch(n -> n <= budget);
        Map<Long, Long> reserved = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT key_id, reserved_encryptions FROM ms_cipher_key_version"
                     + " WHERE org_id = 'acme' AND name = 'k' ORDER BY version");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                reserved.put(rs.getLong(1), rs.getLong(2));
            }
        }
        assertThat(reserved.values()).allMatch(n -> n <= budget);
        for (Map.Entry<String, Integer> e : perKeyId.entrySet()) {
            assertThat(reserved.get(Long.parseLong(e.getKey(), 16))).isGreaterThanOrEqualTo(e.getValue());
        }
        assertThat(perKeyId.size()).isGreaterThanOrEqualTo(5);
        CipherKeyInfo info = a.keys().get(principal(ACME, Role.EDITOR), "k");
        assertThat(info.primaryVersion()).isEqualTo(reserved.size()).isGreaterThanOrEqualTo(5);
        // Old values stay readable; the rotations are audited as the system's.
        for (int i = 0; i < cts.size(); i++) {
            assertThat(b2.decrypt(ACME, "k", "f", cts.get(i))).isEqualTo("value-" + i);
        }
        List<AuditEntry> rotations = auditEntries(ACME).stream()
                .filter(e -> e.action().equals("cipher_key.rotate")).toList();
        assertThat(rotations).hasSize(info.primaryVersion() - 1)
                .allMatch(e -> e.actor().type() == ActorType.SYSTEM && "encryption_budget".equals(e.details().get("reason")));
        // Deterministic keys have no budget.
        a.keys().create(principal(ACME, Role.ADMIN), ctx(), "d", CipherKeyKind.AES256_SIV);
        for (int i = 0; i < 25; i++) {
            a.encrypt(ACME, "d", "f", "v" + i);
        }
        assertThat(a.keys().get(principal(ACME, Role.ADMIN), "d").primaryVersion()).isEqualTo(1);
    }

    @Test
    void theRotationFiresExactlyWhenTheLastOfTheBudgetIsHandedOut() {
        FieldCipher a = newCipher(root, audit, b -> b.gcmEncryptionBudget(8).budgetReservationBlock(4));
        a.keys().create(principal(ACME, Role.ADMIN), ctx(), "k", CipherKeyKind.AES256_GCM);
        for (int i = 0; i < 4; i++) {
            a.encrypt(ACME, "k", "f", "x");
        }
        assertThat(a.keys().get(principal(ACME, Role.ADMIN), "k").primaryVersion()).isEqualTo(1);
        a.encrypt(ACME, "k", "f", "x"); // reserves 5..8, the last of the budget: rotates now
        assertThat(a.keys().get(principal(ACME, Role.ADMIN), "k").primaryVersion()).isEqualTo(2);
        assertThat(db.queryLong("SELECT reserved_encryptions FROM ms_cipher_key_version WHERE org_id = 'acme'"
                + " AND name = 'k' AND version = 1")).isEqualTo(8);
    }

    // ---- root key ----

    @Test
    void rootKeyRotationResealsEveryKeysetAndThenThePreviousKeyIsNotNeeded() {
        create(ACME, "g", CipherKeyKind.AES256_GCM);
        create(BETA, "s", CipherKeyKind.AES256_SIV);
        String g = cipher.encrypt(ACME, "g", "f", "acme value");
        String s = cipher.encrypt(BETA, "s", "f", "beta value");
        String oldFp = root.fingerprint();

        byte[] rootB = newRootBytes();
        CipherRootKey rotating = CipherRootKey.ofBytes(rootB, rootA);
        assertThat(rotating.checkDatabase(db.database(), clock)).isEqualTo(2);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_cipher_key WHERE root_fingerprint = '"
                + rotating.fingerprint() + "'")).isEqualTo(2);
        assertThat(rotating.checkDatabase(db.database(), clock)).isZero(); // idempotent
        AuditLog rotatingAudit = newAudit(rotating);
        newCipher(rotating, rotatingAudit, b -> { });

        CipherRootKey onlyB = CipherRootKey.ofBytes(rootB, null);
        FieldCipher after = newCipher(onlyB, newAudit(onlyB), b -> { });
        assertThat(after.decrypt(ACME, "g", "f", g)).isEqualTo("acme value");
        assertThat(after.decrypt(BETA, "s", "f", s)).isEqualTo("beta value");
        assertThat(after.encrypt(BETA, "s", "f", "beta value")).isEqualTo(s);

        // Starting again with the old key alone is now refused clearly.
        Throwable t = catchThrowable(() -> newCipher(root, audit, b -> { }));
        assertThat(t).isInstanceOf(CipherStartupException.class).hasMessageContaining("MS_CIPHER_KEY")
                .hasMessageContaining(oldFp).hasMessageContaining(onlyB.fingerprint());
    }

    @Test
    void aWrongRootKeyIsRefusedAtStartNamingFingerprintsOnly() {
        create(ACME, "k", CipherKeyKind.AES256_GCM);
        byte[] other = newRootBytes();
        CipherRootKey wrong = CipherRootKey.ofBytes(other, null);
        Throwable t = catchThrowable(() -> FieldCipher.builder(db.database(), audit).rootKey(wrong).build());
        assertThat(t).isInstanceOf(CipherStartupException.class)
                .hasMessageContaining("MS_CIPHER_KEY is not the root key")
                .hasMessageContaining(root.fingerprint()).hasMessageContaining(wrong.fingerprint());
        for (String secret : rootKeyTexts) {
            assertThat(t).hasMessageNotContaining(secret);
        }
        assertThat(((MoleSignalException) t).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        // A wrong "previous" key does not help either.
        byte[] third = newRootBytes();
        assertThatThrownBy(() -> CipherRootKey.ofBytes(third, other).checkDatabase(db.database(), clock))
                .isInstanceOf(CipherStartupException.class);
        // Nothing was changed: the right key still works.
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_cipher_key WHERE root_fingerprint = '"
                + root.fingerprint() + "'")).isEqualTo(1);
        FieldCipher right = newCipher(root, audit, b -> { });
        assertThat(right.decrypt(ACME, "k", "f", right.encrypt(ACME, "k", "f", "v"))).isEqualTo("v");
    }

    @Test
    void withoutARootKeyEncryptionIsDisabledAndEverythingElseWorks() {
        create(ACME, "k", CipherKeyKind.AES256_GCM);
        String ct = cipher.encrypt(ACME, "k", "f", "v");
        Map<String, String> env = new HashMap<>();
        env.put("MS_CIPHER_KEY", "");
        FieldCipher off = newCipher(CipherRootKey.fromEnvironment(env).orElse(null), audit, b -> { });
        assertThat(off.enabled()).isFalse();
        assertThat(off.rootKeyFingerprint()).isEmpty();
        List<ThrowingCallable> calls = List.of(
                () -> off.encrypt(ACME, "k", "f", "v"),
                () -> off.decrypt(ACME, "k", "f", ct),
                () -> off.keyKind(ACME, "k"),
                () -> off.candidateCiphertexts(ACME, "k", "f", "v"),
                () -> off.keys().create(principal(ACME, Role.ADMIN), ctx(), "n", CipherKeyKind.AES256_GCM),
                () -> off.keys().list(principal(ACME, Role.ADMIN), 10, null),
                () -> off.keys().get(principal(ACME, Role.ADMIN), "k"),
                () -> off.keys().rotate(principal(ACME, Role.ADMIN), ctx(), "k"),
                () -> off.keys().disableVersion(principal(ACME, Role.ADMIN), ctx(), "k", 1),
                () -> off.keys().enableVersion(principal(ACME, Role.ADMIN), ctx(), "k", 1));
        for (ThrowingCallable c : calls) {
            Throwable t = catchThrowable(c);
            assertThat(t).isInstanceOf(CipherException.class).hasMessageContaining("MS_CIPHER_KEY is not set");
            assertThat(((CipherException) t).code()).isEqualTo(ErrorCode.CIPHER_DISABLED);
            assertThat(((CipherException) t).httpStatus()).isEqualTo(503);
        }
        // The data is intact for when the key is back.
        assertThat(cipher.decrypt(ACME, "k", "f", ct)).isEqualTo("v");
    }

    // ---- key management ----

    @Test
    void keyManagementChecksRolesScopesOrgsAndNames() {
        Principal admin = principal(ACME, Role.ADMIN);
        create(ACME, "k", CipherKeyKind.AES256_GCM);
        assertThat(code(() -> create(ACME, "k", CipherKeyKind.AES256_SIV))).isEqualTo(ErrorCode.CONFLICT);
        for (String bad : List.of("", "a b", "k:1", "x".repeat(65), "../etc", "ключ")) {
            assertThat(code(() -> cipher.keys().create(admin, ctx(), bad, CipherKeyKind.AES256_GCM)))
                    .isEqualTo(ErrorCode.INVALID_INPUT);
        }
        assertThat(code(() -> cipher.keys().create(principal(ACME, Role.EDITOR), ctx(), "e", CipherKeyKind.AES256_GCM)))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(code(() -> cipher.keys().rotate(principal(ACME, Role.EDITOR), ctx(), "k")))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(code(() -> cipher.keys().get(principal(ACME, Role.VIEWER), "k"))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(code(() -> cipher.keys().list(principal(ACME, Role.VIEWER), 10, null)))
                .isEqualTo(ErrorCode.FORBIDDEN);
        Principal ingestToken = new Principal(ACME, "u1", Role.OWNER, CredentialKind.API_TOKEN, "tok-1",
                Set.of(Scope.INGEST));
        assertThat(code(() -> cipher.keys().rotate(ingestToken, ctx(), "k"))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(cipher.keys().get(principal(ACME, Role.EDITOR), "k").name()).isEqualTo("k");

        // Another org's key name is not found, for reads and changes alike.
        Principal betaAdmin = principal(BETA, Role.OWNER);
        assertThat(code(() -> cipher.keys().get(betaAdmin, "k"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(code(() -> cipher.keys().rotate(betaAdmin, ctx(), "k"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(code(() -> cipher.keys().disableVersion(betaAdmin, ctx(), "k", 1))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(code(() -> cipher.keys().enableVersion(betaAdmin, ctx(), "k", 1))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(cipher.keys().list(betaAdmin, 10, null).items()).isEmpty();
        assertThat(cipher.keys().get(admin, "k").primaryVersion()).isEqualTo(1);

        // Denied and failed attempts are audited; nothing was created by them.
        List<AuditEntry> entries = auditEntries(ACME);
        assertThat(entries).anyMatch(e -> e.action().equals("cipher_key.create") && e.outcome() == Outcome.DENIED
                && e.status() == 403);
        assertThat(entries).anyMatch(e -> e.action().equals("cipher_key.create") && e.outcome() == Outcome.FAILURE
                && e.status() == 409);
        AuditEntry created = entries.stream().filter(e -> e.action().equals("cipher_key.create")
                && e.outcome() == Outcome.SUCCESS).findFirst().orElseThrow();
        assertThat(created.target()).isEqualTo("k");
        assertThat(created.details()).containsEntry("name", "k").containsEntry("kind", "aes256_gcm")
                .containsEntry("primary_version", 1L);
        assertThat(db.queryLong("SELECT COUNT(*) FROM ms_cipher_key")).isEqualTo(1);
        // Audit entries carry no key material: only allow-listed details, and the keyset text is nowhere.
        String keyset = keysetText(ACME, "k");
        assertThat(entries).allMatch(e -> !e.details().toString().contains(keyset.substring(0, 20)));
    }

    private String keysetText(OrgId org, String name) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT keyset FROM ms_cipher_key WHERE org_id = ? AND name = ?")) {
            ps.setString(1, org.value());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void listPagesWithCursorsBoundToTheOrg() {
        for (String n : List.of("e", "a", "d", "c", "b")) {
            create(ACME, n, CipherKeyKind.AES256_SIV);
        }
        create(BETA, "z", CipherKeyKind.AES256_GCM);
        Principal editor = principal(ACME, Role.EDITOR);
        Page<CipherKeyInfo> p1 = cipher.keys().list(editor, 2, null);
        assertThat(p1.items()).extracting(CipherKeyInfo::name).containsExactly("a", "b");
        Page<CipherKeyInfo> p2 = cipher.keys().list(editor, 2, p1.nextCursor());
        assertThat(p2.items()).extracting(CipherKeyInfo::name).containsExactly("c", "d");
        Page<CipherKeyInfo> p3 = cipher.keys().list(editor, 2, p2.nextCursor());
        assertThat(p3.items()).extracting(CipherKeyInfo::name).containsExactly("e");
        assertThat(p3.nextCursor()).isNull();
        assertThat(p1.items().get(0).kind()).isEqualTo(CipherKeyKind.AES256_SIV);
        assertThat(p1.items().get(0).versions()).hasSize(1);
        assertThat(code(() -> cipher.keys().list(principal(BETA, Role.ADMIN), 2, p1.nextCursor())))
                .isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(code(() -> cipher.keys().list(editor, 0, null))).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(code(() -> cipher.keys().list(editor, 1001, null))).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(cipher.keys().list(principal(BETA, Role.ADMIN), 100, null).items())
                .extracting(CipherKeyInfo::name).containsExactly("z");
    }
}
