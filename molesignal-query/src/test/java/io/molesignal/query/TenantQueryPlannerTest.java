package io.molesignal.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.query.internal.GuardRewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TenantQueryPlannerTest {
    private final TenantQueryPlanner pg = TenantQueryPlanner.builder().catalog(Fixture.catalog())
            .dialect(TargetDialect.POSTGRESQL).build();

    /** The 20-query subset of the mutation test: every construct the guard handles. */
    static final List<String> SUBSET = List.of(
            "SELECT count(*) FROM logs WHERE 1/(size_bytes - 7) > 0",
            "SELECT * FROM logs WHERE CAST(trace_id AS INTEGER) > 0",
            "SELECT count(*) FROM (SELECT 1 / (size_bytes - 7) AS r FROM logs) x WHERE r > 0",
            "SELECT count(*) FROM logs l JOIN spans s ON CAST(s.trace_id AS INTEGER) = CAST(l.trace_id AS INTEGER)",
            "SELECT count(*) FROM logs l LEFT JOIN spans s ON s.trace_id = l.trace_id AND 1/(s.duration_ms-7) > 0",
            "SELECT count(*) FROM logs l JOIN spans s ON s.trace_id = l.trace_id WHERE 1/(s.duration_ms - 7) > 0",
            "SELECT count(*) FROM logs WHERE trace_id IN (SELECT trace_id FROM spans)",
            "SELECT count(*) FROM logs l WHERE EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = l.trace_id)",
            "SELECT (SELECT max(message) FROM logs WHERE service = 'billing') FROM severity_levels",
            "SELECT count(*) FROM logs WHERE size_bytes > ANY (SELECT duration_ms FROM spans)",
            "SELECT count(*) FROM (SELECT level, count(*) AS n FROM logs GROUP BY level) x WHERE 1/(n - 7) > 0",
            "SELECT count(*) FROM (SELECT level FROM logs GROUP BY level) x WHERE CAST(level AS INTEGER) > 0",
            "SELECT service, count(*) FROM logs GROUP BY service HAVING 1/(count(*) - 3) > -5",
            "SELECT count(*) FROM (SELECT service FROM logs UNION ALL SELECT service FROM spans) u "
                    + "WHERE CAST(service AS INTEGER) > 0",
            "SELECT count(*) FROM (SELECT service FROM logs INTERSECT SELECT service FROM spans) u "
                    + "WHERE CAST(service AS INTEGER) > 0",
            "WITH spans AS (SELECT * FROM logs) SELECT count(*) FROM spans WHERE 1/(size_bytes-7) > 0",
            "SELECT count(*) FROM logs l, LATERAL (SELECT s.duration_ms AS d FROM spans s "
                    + "WHERE s.trace_id = l.trace_id) x WHERE 1/(x.d - 7) > 0",
            "SELECT count(*) FROM logs l, LATERAL (SELECT count(*) AS n FROM spans s WHERE s.trace_id = l.trace_id) x",
            "SELECT count(*) FROM metrics WHERE 1 / \"value\" > 0",
            "SELECT count(*) FROM severity_levels v WHERE EXISTS (SELECT 1 FROM logs WHERE CAST(trace_id AS INTEGER) = 0)");

    @Test
    void theUnmutatedGuardPlansTheWholeSubset() {
        for (String q : SUBSET) {
            PlannedQuery p = pg.plan(Fixture.principal(Fixture.ACME), q);
            assertThat(p.sql()).contains("\"org_id\" = ?");
        }
    }

    @Test
    void theCheckerCatchesTheGuardDisabledForEachOperatorType() {
        Map<GuardRewriter.Mutation, Integer> caught = new java.util.EnumMap<>(GuardRewriter.Mutation.class);
        List<String> escaped = new ArrayList<>();
        for (GuardRewriter.Mutation m : GuardRewriter.Mutation.values()) {
            if (m == GuardRewriter.Mutation.NONE) {
                continue;
            }
            TenantQueryPlanner mutated = TenantQueryPlanner.builder().catalog(Fixture.catalog())
                    .dialect(TargetDialect.POSTGRESQL).guardMutationForTesting(m).build();
            int n = 0;
            for (String q : SUBSET) {
                String good = pg.plan(Fixture.principal(Fixture.ACME), q).sql();
                try {
                    String bad = mutated.plan(Fixture.principal(Fixture.ACME), q).sql();
                    // a plan the checker let through must be unchanged, or changed only where nothing can fail
                    if (!bad.equals(good) && (m == GuardRewriter.Mutation.SCAN || m == GuardRewriter.Mutation.FILTER
                            || m == GuardRewriter.Mutation.JOIN || m == GuardRewriter.Mutation.SUBQUERY)) {
                        escaped.add(m + ": " + q);
                    }
                } catch (MoleSignalException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("tenant isolation check");
                    n++;
                }
            }
            caught.put(m, n);
        }
        System.out.println("mutation test, plans refused per disabled operator (of " + SUBSET.size() + "): " + caught);
        assertThat(escaped).isEmpty();
        assertThat(caught.get(GuardRewriter.Mutation.SCAN)).isEqualTo(SUBSET.size());
        caught.forEach((m, n) -> assertThat(n).as(m.name()).isGreaterThan(0));
    }

    @Test
    void planIsSharedAcrossOrgsAndHoldsNoOrg() {
        TenantQueryPlanner p = TenantQueryPlanner.builder().catalog(Fixture.catalog())
                .dialect(TargetDialect.POSTGRESQL).build();
        String q = "SELECT level, count(*) FROM logs WHERE service = 'api' GROUP BY level";
        PlannedQuery a = p.plan(Fixture.principal(Fixture.ACME), q);
        PlannedQuery b = p.plan(Fixture.principal(Fixture.GLOBEX), q);
        PlannedQuery a2 = p.plan(Fixture.principal(Fixture.ACME), q);
        assertThat(p.cacheStats().missCount()).isEqualTo(1);
        assertThat(p.cacheStats().hitCount()).isEqualTo(2);
        assertThat(a.sql()).isEqualTo(b.sql()).doesNotContain("acme").doesNotContain("globex");
        assertThat(a.bindValues()).contains("acme").doesNotContain("globex");
        assertThat(b.bindValues()).contains("globex").doesNotContain("acme");
        assertThat(a2.bindValues()).isEqualTo(a.bindValues());
    }

    @Test
    void errorsCarryCodesAndPositions() {
        assertCode("SELECT * FRM logs", ErrorCode.SQL_PARSE, 1);
        assertCode("SELECT *\nFROM nope", ErrorCode.SQL_VALIDATE, 2);
        assertCode("SELECT nope FROM logs", ErrorCode.SQL_VALIDATE, 1);
        assertCode("SELECT 1; SELECT 2", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("INSERT INTO logs (org_id) VALUES ('globex')", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("UPDATE logs SET org_id = 'x'", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("MERGE INTO logs USING spans ON true WHEN MATCHED THEN DELETE", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("DROP TABLE logs", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("SET org_id = 'globex'", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("ALTER SESSION SET org_id = 'globex'", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("EXPLAIN PLAN FOR SELECT * FROM logs", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("CALL foo()", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("SELECT * FROM logs /*+ index(logs) */", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("SELECT * FROM TABLE(ramp(3))", ErrorCode.SQL_UNSUPPORTED, 0);
        assertCode("SELECT current_user FROM logs", ErrorCode.SQL_UNSUPPORTED, 0);
        // unknown and unregistered names read the same
        String unknown = message("SELECT * FROM no_such_table");
        String unregistered = message("SELECT * FROM secret_admin");
        assertThat(unregistered.replace("secret_admin", "X")).isEqualTo(unknown.replace("no_such_table", "X"));
        assertThat(message("SELECT * FROM \"metadata\".\"TABLES\"")).contains("not found");
    }

    @Test
    void streamIsAColumnNameUnquotedButSelectStreamStaysRefused() {
        for (String q : List.of("SELECT stream FROM logs WHERE stream = 'x'",
                "SELECT STREAM FROM logs WHERE Stream IN ('a', 'b') ORDER BY stream",
                "SELECT stream, count(*) FROM logs GROUP BY stream HAVING stream <> 'x'",
                "SELECT stream AS s FROM spans", "SELECT l.stream FROM logs l JOIN spans stream ON stream.stream = l.stream",
                "SELECT \"stream\" FROM metrics", "SELECT stream || '-' || level FROM logs",
                "SELECT count(*) FROM logs WHERE message = 'select stream from x' -- stream\n AND stream > ''")) {
            PlannedQuery p = pg.plan(Fixture.principal(Fixture.ACME), q);
            assertThat(p.sql()).as(q).contains("\"stream\"").contains("\"org_id\" = ?");
        }
        assertThat(pg.plan(Fixture.principal(Fixture.ACME), "SELECT stream FROM logs").columns())
                .containsExactly(new ResultColumn("stream", ColumnType.STRING));
        // a string literal that says stream is not touched
        assertThat(pg.plan(Fixture.principal(Fixture.ACME), "SELECT stream FROM logs WHERE message LIKE '%stream%'")
                .bindValues()).contains("%stream%");
        for (String q : List.of("SELECT STREAM * FROM logs", "SELECT STREAM level FROM logs",
                "SELECT count(*) FROM (SELECT STREAM * FROM logs) x")) {
            assertThatThrownBy(() -> pg.plan(Fixture.principal(Fixture.ACME), q))
                    .isInstanceOfSatisfying(MoleSignalException.class, e -> {
                        assertThat(e.code()).as(q).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
                        assertThat(e.getMessage()).contains("SELECT STREAM");
                    });
        }
        // hints, comments and line breaks between SELECT and STREAM do not turn the keyword into the column
        for (String q : List.of("SELECT stream stream FROM logs", "SELECT -- c\n STREAM * FROM logs",
                "SELECT /* stream */ STREAM\r\n* FROM logs", "SELECT\tSTREAM\tlevel FROM logs")) {
            assertThatThrownBy(() -> pg.plan(Fixture.principal(Fixture.ACME), q))
                    .isInstanceOfSatisfying(MoleSignalException.class,
                            e -> assertThat(e.code()).as(q).isEqualTo(ErrorCode.SQL_UNSUPPORTED));
        }
        // a lexical error after a quoted stream is reported where it is, in the code's position and in the text:
        // as for the same query with a six-letter name that is not a keyword
        for (String q : List.of("SELECT stream FROM logs WHERE message = 'unterminated",
                "SELECT stream FROM logs WHERE stream = 'x' AND # 1",
                "SELECT stream FROM logs WHERE stream = 'x' AND\r\n stream = 1 AND stream <> 'q' AND § = 1")) {
            MoleSignalException plain = catchThrowableOfType(MoleSignalException.class,
                    () -> pg.plan(Fixture.principal(Fixture.ACME), q.replace("stream", "strea_")));
            assertThatThrownBy(() -> pg.plan(Fixture.principal(Fixture.ACME), q))
                    .isInstanceOfSatisfying(MoleSignalException.class, e -> {
                        assertThat(e.code()).as(q).isEqualTo(ErrorCode.SQL_PARSE);
                        assertThat(e.line()).as(q).isEqualTo(plain.line());
                        assertThat(e.column()).as(q).isEqualTo(plain.column());
                        assertThat(e.getMessage()).as(q).isEqualTo(plain.getMessage());
                    });
        }
        // error positions are the tenant's, not those of the quoted text
        assertThatThrownBy(() -> pg.plan(Fixture.principal(Fixture.ACME), "SELECT stream, stream, nope FROM logs"))
                .isInstanceOfSatisfying(MoleSignalException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SQL_VALIDATE);
                    assertThat(e.line()).hasValue(1);
                    assertThat(e.column()).hasValue(24);
                });
    }

    @Test
    void decryptOutsideTheOutermostSelectListAndWhereIsUnsupported() {
        for (String q : List.of(
                "SELECT decrypt(message, 'k') AS m FROM logs GROUP BY 1",
                "SELECT decrypt(message, 'k') AS m FROM logs GROUP BY m",
                "SELECT decrypt(message, 'k') AS m, count(*) FROM logs GROUP BY ROLLUP(m)",
                "SELECT decrypt(message, 'k') AS m FROM logs ORDER BY m",
                "SELECT decrypt(message, 'k') AS m FROM logs ORDER BY 1 DESC NULLS LAST",
                "SELECT decrypt(message, 'k') AS m FROM logs ORDER BY lower(m)",
                "WITH x AS (SELECT 1 AS a) SELECT decrypt(message, 'k') AS m FROM logs ORDER BY m",
                "SELECT DISTINCT decrypt(message, 'k') FROM logs",
                "SELECT decrypt(message, 'k') AS m, count(*) FROM logs GROUP BY message HAVING m = 'a'",
                "SELECT level FROM logs GROUP BY decrypt(message, 'k'), level",
                "SELECT level FROM logs ORDER BY decrypt(message, 'k')",
                "SELECT level, count(*) FROM logs GROUP BY level HAVING max(decrypt(message, 'k')) = 'a'",
                "SELECT count(decrypt(message, 'k')) FROM logs",
                "SELECT count(DISTINCT decrypt(message, 'k')) FROM logs",
                "SELECT row_number() OVER (PARTITION BY decrypt(message, 'k')) FROM logs",
                "SELECT first_value(decrypt(message, 'k')) OVER (ORDER BY ts) FROM logs",
                "SELECT * FROM (SELECT decrypt(message, 'k') AS m FROM logs) x",
                "SELECT level FROM logs WHERE trace_id IN (SELECT decrypt(trace_id, 'k') FROM spans)",
                "SELECT l.level FROM logs l JOIN spans s ON decrypt(s.name, 'k') = 'x'",
                "SELECT decrypt(message, 'k') FROM logs UNION SELECT name FROM spans",
                "SELECT level FROM logs WHERE decrypt(message, 'k') LIKE 'a%'",
                "SELECT level FROM logs WHERE decrypt(message, 'k') = 'a' OR level = 'x'",
                "SELECT level FROM logs WHERE decrypt(message, 'k') = trace_id",
                // ordinals inside grouping constructs name the select item too (they grouped by the ciphertext)
                "SELECT decrypt(message, 'k') AS m, count(*) FROM logs GROUP BY ROLLUP(1)",
                "SELECT decrypt(message, 'k') AS m FROM logs GROUP BY GROUPING SETS ((1))",
                "SELECT decrypt(message, 'k') AS m, level, count(*) FROM logs GROUP BY CUBE((1, 2))",
                "SELECT level, decrypt(message, 'k') AS m FROM logs GROUP BY GROUPING SETS (level, ROLLUP(level, 2))")) {
            assertThatThrownBy(() -> pg.plan(Fixture.principal(Fixture.ACME), q))
                    .isInstanceOfSatisfying(MoleSignalException.class, e -> {
                        assertThat(e.code()).as(q + " → " + e.getMessage()).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
                        assertThat(e.getMessage()).as(q).contains("decrypt()");
                    });
        }
        for (String q : List.of("SELECT decrypt(message, 'k') AS m, level FROM logs ORDER BY level, ts",
                "SELECT level, decrypt(message, 'k') AS m FROM logs GROUP BY ROLLUP(1, message)",
                "SELECT decrypt(message, 'k') AS m, count(*) FROM logs GROUP BY message ORDER BY 2",
                "SELECT try_decrypt(message, 'k', 'msg') AS m FROM logs WHERE decrypt(trace_id, 'k') IN ('a') "
                        + "ORDER BY ts LIMIT 5")) {
            assertThat(pg.plan(Fixture.principal(Fixture.ACME), q).sql()).as(q).contains("\"org_id\" = ?");
        }
    }

    @Test
    void aRecursiveMemberJoiningATenantTableIsGuardedAndChecked() {
        String q = "WITH RECURSIVE tree(span_id, depth) AS (SELECT span_id, 0 FROM spans WHERE parent_id IS NULL "
                + "UNION ALL SELECT s.span_id, t.depth + 1 FROM tree t JOIN spans s ON s.parent_id = t.span_id "
                + "WHERE CAST(s.trace_id AS INTEGER) > 0) SELECT span_id, depth FROM tree";
        for (TargetDialect d : List.of(TargetDialect.POSTGRESQL, TargetDialect.H2)) {
            String sql = TenantQueryPlanner.builder().catalog(Fixture.catalog()).dialect(d).build()
                    .plan(Fixture.principal(Fixture.ACME), q).sql().toLowerCase(java.util.Locale.ROOT);
            assertThat(sql).startsWith("with recursive \"__ms_r0\"");
            // both scans of spans (seed and recursive member) are guarded, the failing cast sits behind the guard
            assertThat(sql.split("where \"org_id\" = \\?", -1)).hasSize(3);
            assertThat(sql).containsPattern("case when .*__ms_g\" is null or .*then cast\\((\"t\\d+\"\\.)?\"trace_id\"");
        }
        // the member's WHERE joins its ON condition (see JoinShaping): the scan and join guards are what protect it
        for (GuardRewriter.Mutation m : List.of(GuardRewriter.Mutation.SCAN, GuardRewriter.Mutation.JOIN)) {
            TenantQueryPlanner mutated = TenantQueryPlanner.builder().catalog(Fixture.catalog())
                    .dialect(TargetDialect.POSTGRESQL).guardMutationForTesting(m).build();
            assertThatThrownBy(() -> mutated.plan(Fixture.principal(Fixture.ACME), q)).as(m.name())
                    .isInstanceOfSatisfying(MoleSignalException.class,
                            e -> assertThat(e.getMessage()).contains("tenant isolation check"));
        }
    }

    @Test
    void recursiveWithNamesAreUniqueAndRecursiveQueriesAreNotCorrelated() {
        // the working table is found by name: a second query of that name was read in place of the outer one
        for (String q : List.of("WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT t.n + 1 FROM (WITH RECURSIVE "
                        + "t(m) AS (VALUES (5) UNION ALL SELECT m + 1 FROM t WHERE m < 6) SELECT max(m) mm FROM t) z, t "
                        + "WHERE t.n < 3) SELECT * FROM t",
                "SELECT (SELECT count(*) FROM (WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t "
                        + "WHERE n < 3) SELECT * FROM t) a) + (SELECT count(*) FROM (WITH RECURSIVE T(n) AS "
                        + "(VALUES (1) UNION ALL SELECT n + 1 FROM T WHERE n < 9) SELECT * FROM T) b)",
                "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT * FROM t "
                        + "WHERE n IN (WITH t AS (SELECT 2 AS n) SELECT n FROM t)")) {
            assertThatThrownBy(() -> pg.plan(Fixture.principal(Fixture.ACME), q))
                    .isInstanceOfSatisfying(MoleSignalException.class, e -> {
                        assertThat(e.code()).as(q).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
                        assertThat(e.getMessage()).contains("WITH RECURSIVE");
                        assertThat(e.line()).hasValue(1);
                    });
        }
        // hoisted to the top of the statement, a correlated recursive query lost its enclosing row (database error)
        for (String q : List.of("SELECT count(*) FROM logs l WHERE EXISTS (WITH RECURSIVE t(n) AS (SELECT l.size_bytes "
                        + "UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT 1 FROM t WHERE n = 9)",
                "SELECT count(*) FROM logs l, LATERAL (WITH RECURSIVE t(n) AS (SELECT l.size_bytes UNION ALL "
                        + "SELECT n + 1 FROM t WHERE n < 3) SELECT max(n) m FROM t) x",
                "SELECT count(*) FROM spans p WHERE EXISTS (WITH RECURSIVE t(id) AS (SELECT span_id FROM spans "
                        + "WHERE parent_id = p.span_id UNION SELECT s.span_id FROM t JOIN spans s ON s.parent_id = t.id) "
                        + "SELECT 1 FROM t)")) {
            for (TargetDialect d : List.of(TargetDialect.POSTGRESQL, TargetDialect.H2)) {
                assertThatThrownBy(() -> TenantQueryPlanner.builder().catalog(Fixture.catalog()).dialect(d).build()
                        .plan(Fixture.principal(Fixture.ACME), q)).isInstanceOfSatisfying(MoleSignalException.class,
                                e -> {
                                    assertThat(e.code()).as(q).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
                                    assertThat(e.getMessage()).contains("enclosing query");
                                });
            }
        }
        // a member reading the query itself twice (PostgreSQL refuses it, H2 ran it until the statement timeout)
        for (String q : List.of("WITH RECURSIVE logs(org_id, message) AS (SELECT org_id, message FROM logs UNION "
                        + "SELECT l.org_id, l.message FROM logs l JOIN logs r ON r.org_id <> l.org_id) SELECT count(*) FROM logs",
                "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 3 AND n IN (SELECT n FROM t))"
                        + " SELECT * FROM t")) {
            for (TargetDialect d : List.of(TargetDialect.POSTGRESQL, TargetDialect.H2)) {
                assertThatThrownBy(() -> TenantQueryPlanner.builder().catalog(Fixture.catalog()).dialect(d).build()
                        .plan(Fixture.principal(Fixture.ACME), q)).isInstanceOfSatisfying(MoleSignalException.class,
                                e -> {
                                    assertThat(e.code()).as(q).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
                                    assertThat(e.getMessage()).contains("only once");
                                });
            }
        }
        // uncorrelated ones, and ones the enclosing query compares with, still plan
        for (String q : List.of("SELECT count(*) FROM logs l WHERE EXISTS (WITH RECURSIVE t(n) AS (SELECT 1 "
                        + "UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT 1 FROM t WHERE n = l.size_bytes)",
                "WITH a AS (SELECT level FROM logs) SELECT count(*) FROM a, (WITH a AS (SELECT 3 x) SELECT * FROM a) c")) {
            assertThat(pg.plan(Fixture.principal(Fixture.ACME), q).sql()).as(q).contains("\"org_id\" = ?");
        }
    }

    @Test
    void otherDialectsGetTheirSqlText() {
        for (TargetDialect d : List.of(TargetDialect.CLICKHOUSE, TargetDialect.TRINO)) {
            TenantQueryPlanner p = TenantQueryPlanner.builder().catalog(Fixture.catalog()).dialect(d).build();
            String sql = p.plan(Fixture.principal(Fixture.ACME),
                    "SELECT level, count(*) FROM logs WHERE 1/(size_bytes - 7) > 0 GROUP BY level "
                            + "ORDER BY level LIMIT 10").sql();
            System.out.println(d + ":\n" + sql);
            assertThat(sql).contains("= ?").contains("CASE WHEN");
        }
    }

    @Test
    void warmUpPlansEveryTable() {
        pg.warmUp();
        assertThat(pg.cacheStats().requestCount()).isZero();
    }

    private void assertCode(String sql, ErrorCode code, int line) {
        assertThatThrownBy(() -> pg.plan(Fixture.principal(Fixture.ACME), sql)).isInstanceOf(MoleSignalException.class)
                .satisfies(e -> {
                    MoleSignalException m = (MoleSignalException) e;
                    assertThat(m.code()).as(sql + " → " + m.getMessage()).isEqualTo(code);
                    if (line > 0) {
                        assertThat(m.line()).hasValue(line);
                        assertThat(m.column()).isPresent();
                    }
                });
    }

    private String message(String sql) {
        try {
            pg.plan(Fixture.principal(Fixture.ACME), sql);
            throw new AssertionError("planned: " + sql);
        } catch (MoleSignalException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.SQL_VALIDATE);
            return e.getMessage();
        }
    }
}
