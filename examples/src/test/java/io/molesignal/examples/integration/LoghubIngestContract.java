package io.molesignal.examples.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;
import io.molesignal.core.ingest.IngestResult;
import io.molesignal.core.testing.TestDb;
import io.molesignal.crypto.CipherKeyKind;
import io.molesignal.crypto.CipherRootKey;
import io.molesignal.examples.server.ExampleTables;

/**
 * Issue 7 across modules: the five real Loghub logs ingested for two orgs through the pipeline with a VRL program that
 * encrypts one field and deletes another; counts match, the encrypted field reads back with SQL decrypt() for the
 * owning org only (including one stored under another column name, read with the field argument), and neither org
 * sees the other's rows.
 */
abstract class LoghubIngestContract {
    static final String PROGRAM = String.join("\n",
            "# Content becomes the message, encrypted under the field name msg (stored in the message column)",
            ".msg = del(.Content)",
            ".msg = encrypt!(.msg, \"logkey\")",
            "del(.EventTemplate)",
            "if exists(.Level) { .level = del(.Level) } else { .level = \"INFO\" }",
            "if exists(.Component) {",
            "  .component = del(.Component)",
            "  .component = encrypt!(.component, \"logkey\")",
            "}");

    TestDb db;
    Stack stack;
    final Principal acme = Stack.admin("acme");
    final Principal beta = Stack.admin("beta");

    abstract TestDb open(String name);

    @BeforeEach
    void setUp() {
        db = open(getClass().getSimpleName());
        stack = new Stack(db.database(), CipherRootKey.ofBytes(CipherQueryContract.ROOT, null));
        for (Principal p : List.of(acme, beta)) {
            db.insertOrgs(p.org().value());
            stack.cipher.keys().create(p, Stack.ctx(p), "logkey", CipherKeyKind.AES256_GCM);
        }
    }

    @AfterEach
    void tearDown() {
        stack.close();
        db.close();
    }

    @Test
    void fiveRealLogsForTwoOrgsStayIsolatedAndDecryptForTheirOwnerOnly() throws Exception {
        Map<String, List<Map<String, Object>>> data = new HashMap<>();
        for (String system : Loghub.SYSTEMS) {
            data.put(system, Loghub.events(system));
        }
        for (Principal p : List.of(acme, beta)) {
            for (String system : Loghub.SYSTEMS) {
                String stream = system.toLowerCase(java.util.Locale.ROOT);
                stack.functions.put(p, Stack.ctx(p), stream, PROGRAM);
                List<Map<String, Object>> events = data.get(system);
                for (int from = 0; from < events.size(); from += 1000) {
                    List<Map<String, Object>> batch = new ArrayList<>();
                    for (Map<String, Object> e : events.subList(from, Math.min(events.size(), from + 1000))) {
                        Map<String, Object> copy = new HashMap<>(e);
                        copy.put("org_id", p == acme ? "beta" : "acme"); // never trusted
                        batch.add(copy);
                    }
                    IngestResult r = stack.pipeline.ingestEvents(p, ExampleTables.LOGS, stream, batch);
                    assertThat(r.failed()).as("%s %s", system, r.errors()).isZero();
                }
            }
        }
        for (Principal p : List.of(acme, beta)) {
            for (String system : Loghub.SYSTEMS) {
                String stream = system.toLowerCase(java.util.Locale.ROOT);
                List<List<Object>> rows = stack.executor.execute(p, "SELECT json_value(attributes, '$.LineId') AS id, "
                        + "decrypt(message, 'logkey', 'msg') AS content, org_id FROM logs WHERE \"stream\" = ?",
                        List.of(stream)).rows();
                assertThat(rows).as(system).hasSize(data.get(system).size());
                Map<String, String> expected = new HashMap<>();
                data.get(system).forEach(e -> expected.put((String) e.get("LineId"), (String) e.get("Content")));
                for (List<Object> row : rows) {
                    assertThat(row.get(1)).isEqualTo(expected.get((String) row.get(0)));
                    assertThat(row.get(2)).isEqualTo(p.org().value());
                }
            }
            long total = ((Number) stack.executor.execute(p, "SELECT count(*) FROM logs", List.of()).rows().get(0)
                    .get(0)).longValue();
            assertThat(total).isEqualTo(data.values().stream().mapToLong(List::size).sum());
        }
        // The deleted field is nowhere; the other encrypted field reads back from attributes.
        assertThat(db.queryLong("SELECT COUNT(*) FROM logs WHERE attributes LIKE '%EventTemplate%'")).isZero();
        List<List<Object>> comps = stack.executor.execute(acme, "SELECT decrypt(json_value(attributes, '$.component'), "
                + "'logkey') FROM logs WHERE \"stream\" = 'hdfs' AND json_value(attributes, '$.LineId') = '1'", List.of()).rows();
        assertThat(comps).containsExactly(List.of("dfs.DataNode$PacketResponder"));
        // Stored as ciphertext, not plaintext.
        assertThat(db.queryLong("SELECT COUNT(*) FROM logs WHERE message LIKE '%PacketResponder%'")).isZero();
        // Beta cannot decrypt acme's ciphertext even when a database writer copies it into beta's rows.
        db.exec("UPDATE logs SET message = (SELECT MIN(message) FROM logs WHERE org_id = 'acme' AND stream = 'hdfs') "
                + "WHERE org_id = 'beta' AND stream = 'hdfs'");
        assertThatThrownBy(() -> stack.executor.execute(beta, "SELECT decrypt(message, 'logkey', 'msg') FROM logs "
                + "WHERE \"stream\" = 'hdfs'", List.of())).isInstanceOf(MoleSignalException.class)
                .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.DECRYPT_FAILED);
    }
}
