package io.molesignal.examples.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.testing.TestDb;
import io.molesignal.crypto.CipherKeyKind;
import io.molesignal.crypto.CipherRootKey;
import io.molesignal.query.QueryResult;

/**
 * Issue 6 across modules: values encrypted with FieldCipher and inserted over plain JDBC come back through the
 * tenant query planner with decrypt() for the owning org only; equality search on a deterministic key works before and
 * after a rotation.
 */
abstract class CipherQueryContract {
    static final byte[] ROOT = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            ROOT[i] = (byte) (i * 7 + 1);
        }
    }

    TestDb db;
    Stack stack;
    final Principal acme = Stack.admin("acme");
    final Principal beta = Stack.admin("beta");

    abstract TestDb open(String name);

    @BeforeEach
    void setUp() {
        db = open(getClass().getSimpleName());
        stack = new Stack(db.database(), CipherRootKey.ofBytes(ROOT, null));
        for (Principal p : List.of(acme, beta)) {
            db.insertOrgs(p.org().value());
            stack.cipher.keys().create(p, Stack.ctx(p), "pii", CipherKeyKind.AES256_GCM);
            stack.cipher.keys().create(p, Stack.ctx(p), "ssn", CipherKeyKind.AES256_SIV);
        }
    }

    @AfterEach
    void tearDown() {
        stack.close();
        db.close();
    }

    void insert(OrgId org, String message, String email, String ssn) throws Exception {
        String attrs = Map.of("email", stack.cipher.encrypt(org, "pii", "email", email),
                "ssn", stack.cipher.encrypt(org, "ssn", "ssn", ssn)).entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .reduce((a, b) -> a + "," + b).map(s -> "{" + s + "}").orElseThrow();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO logs (org_id, stream, ts, message, attributes, size_bytes) VALUES (?, 'app', ?, ?, ?, 1)")) {
            ps.setString(1, org.value());
            ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(3, message);
            ps.setString(4, attrs);
            ps.executeUpdate();
        }
    }

    List<List<Object>> rows(Principal p, String sql) {
        QueryResult r = stack.executor.execute(p, sql, List.of());
        return r.rows();
    }

    @Test
    void decryptReadsTheOwningOrgsValuesOnly() throws Exception {
        insert(acme.org(), "a1", "alice@acme.test", "111-11-1111");
        insert(acme.org(), "a2", "bob@acme.test", "222-22-2222");
        insert(beta.org(), "b1", "carol@beta.test", "333-33-3333");
        String sql = "SELECT message, decrypt(json_value(attributes, '$.email'), 'pii') AS email FROM logs ORDER BY message";
        assertThat(rows(acme, sql)).containsExactly(List.of("a1", "alice@acme.test"), List.of("a2", "bob@acme.test"));
        assertThat(rows(beta, sql)).containsExactly(List.of("b1", "carol@beta.test"));

        // A ciphertext of acme copied into a beta row (a database writer's attack) does not decrypt for beta.
        db.exec("UPDATE logs SET attributes = (SELECT attributes FROM logs WHERE message = 'a1') WHERE message = 'b1'");
        assertThatThrownBy(() -> rows(beta, sql)).isInstanceOf(MoleSignalException.class)
                .hasMessageNotContaining("alice")
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.DECRYPT_FAILED);
        assertThat(rows(beta, "SELECT try_decrypt(json_value(attributes, '$.email'), 'pii') FROM logs"))
                .containsExactly(java.util.Collections.singletonList(null));
        // The field is bound: reading the email ciphertext as another field fails.
        assertThatThrownBy(() -> rows(acme, "SELECT decrypt(json_value(attributes, '$.email'), 'pii', 'other') FROM logs"))
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.DECRYPT_FAILED);
    }

    @Test
    void equalitySearchOnADeterministicKeyFindsValuesBeforeAndAfterRotation() throws Exception {
        insert(acme.org(), "old", "x@acme.test", "123-45-6789");
        insert(beta.org(), "beta-same-ssn", "y@beta.test", "123-45-6789");
        String search = "SELECT message FROM logs WHERE decrypt(json_value(attributes, '$.ssn'), 'ssn') = '123-45-6789'";
        assertThat(rows(acme, search)).containsExactly(List.of("old"));
        stack.cipher.keys().rotate(acme, Stack.ctx(acme), "ssn");
        insert(acme.org(), "new", "z@acme.test", "123-45-6789");
        insert(acme.org(), "other", "w@acme.test", "999-99-9999");
        assertThat(rows(acme, search + " ORDER BY message")).containsExactly(List.of("new"), List.of("old"));
        assertThat(rows(acme, "SELECT message FROM logs WHERE decrypt(json_value(attributes, '$.ssn'), 'ssn') "
                + "IN ('999-99-9999', '000') ORDER BY message")).containsExactly(List.of("other"));
        assertThat(rows(beta, search)).containsExactly(List.of("beta-same-ssn"));
        // Equality on a randomized key is refused: its ciphertexts cannot be compared.
        assertThatThrownBy(() -> rows(acme, "SELECT message FROM logs WHERE decrypt(json_value(attributes, '$.email'), "
                + "'pii') = 'x@acme.test'")).isInstanceOf(MoleSignalException.class);
    }
}
