package io.molesignal.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.testing.TestDb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** QueryExecutor behaviour on a real database: plans shared across orgs, limits, errors, functions, concurrency. */
abstract class ExecutorContract {
    static final OrgId INITECH = OrgId.of("initech");
    static final TestCipher CIPHER = new TestCipher();

    protected abstract TestDb db();

    protected abstract TargetDialect dialect();

    static void seed(TestDb db) {
        Fixture.createSchema(db);
        Fixture.seedAcme(db);
        Fixture.seedOthers(db, 1);
        Fixture.insertLogs(db, "initech", 300, new String[][] {
                {"info", "x", "i1", "1", "1", "{}", "1"}, {"info", "x", "i2", "1", "1", "{}", "1"},
                {"info", "x", "i3", "1", "1", "{}", "1"}, {"info", "x", "i4", "1", "1", "{}", "1"},
                {"info", "x", "i5", "1", "1", "{}", "1"}, {"info", "x", "i6", "1", "1", "{}", "1"},
                {"info", "x", "i7", "1", "1", "{}", "1"}});
        for (OrgId org : List.of(Fixture.ACME, Fixture.GLOBEX)) {
            String m = CIPHER.encrypt(org, "dk", "message", "secret-" + org.value());
            String shared = CIPHER.encrypt(org, "dk", "message", "same-plaintext");
            String email = CIPHER.encrypt(org, "dk", "user.email", "e@" + org.value());
            String random = CIPHER.encrypt(org, "rk", "message", "rand-" + org.value());
            Fixture.insertLogs(db, org.value(), 500, new String[][] {
                    {"info", "crypto", m, "7001", "1", "{\"user\":{\"email\":\"" + email + "\"}}", "1"},
                    {"info", "crypto", shared, "7002", "1", "{}", "1"},
                    {"info", "crypto2", random, "7003", "1", "{}", "1"}});
        }
    }

    private TenantQueryPlanner planner() {
        return TenantQueryPlanner.builder().catalog(Fixture.catalog()).dialect(dialect()).build();
    }

    private QueryExecutor executor(TenantQueryPlanner planner) {
        return QueryExecutor.builder().database(db().database()).planner(planner).cipherFunctions(CIPHER).build();
    }

    private static List<List<Object>> rows(QueryExecutor ex, OrgId org, String sql, Object... params) {
        return ex.execute(Fixture.principal(org), sql, List.of(params)).rows();
    }

    @Test
    void onePreparedPlanServesOrgAThenBThenA() {
        TenantQueryPlanner planner = planner();
        QueryExecutor ex = executor(planner);
        String q = "SELECT org_id, count(*) FROM logs WHERE size_bytes >= ? GROUP BY org_id";
        List<List<Object>> a = rows(ex, Fixture.ACME, q, 0);
        List<List<Object>> b = rows(ex, Fixture.GLOBEX, q, 0);
        List<List<Object>> a2 = rows(ex, Fixture.ACME, q, 0);
        assertThat(a).containsExactly(List.of("acme", 9L));
        assertThat(b).containsExactly(List.of("globex", 6L));
        assertThat(a2).isEqualTo(a);
        assertThat(planner.cacheStats().missCount()).isEqualTo(1);
        assertThat(planner.cacheStats().hitCount()).isEqualTo(2);
    }

    @Test
    void catalogFromJdbcMetadataListsOnlyRegisteredTables() {
        TenantCatalog c = TenantCatalog.fromJdbc(db().dataSource(),
                List.of(new io.molesignal.core.db.TenantTable("logs", "org_id")), java.util.Set.of("severity_levels"));
        List<TenantCatalog.Table> tables = c.queryableBy(Fixture.principal(Fixture.ACME));
        assertThat(tables).extracting(TenantCatalog.Table::name).containsExactly("logs", "severity_levels");
        assertThat(tables.get(0).column("size_bytes")).map(TenantCatalog.Column::type).hasValue(ColumnType.INTEGER);
        assertThat(tables.get(0).column("ts")).map(TenantCatalog.Column::type).hasValue(ColumnType.TIMESTAMP);
        assertThat(tables.get(0).orgColumn()).hasValue("org_id");
        assertThat(c.table("secret_admin")).isEmpty();
        TenantQueryPlanner p = TenantQueryPlanner.builder().catalog(c).dialect(dialect()).build();
        QueryExecutor ex = QueryExecutor.builder().database(db().database()).planner(p).build();
        assertThat(rows(ex, Fixture.ACME, "SELECT count(*) FROM logs")).containsExactly(List.of(9L));
        assertThatThrownBy(() -> rows(ex, Fixture.ACME, "SELECT * FROM spans"))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SQL_VALIDATE));
        assertThatThrownBy(() -> c.queryableBy(new io.molesignal.core.Principal(Fixture.ACME, "t",
                io.molesignal.core.Role.VIEWER, io.molesignal.core.CredentialKind.API_TOKEN, "tok",
                java.util.Set.of(io.molesignal.core.Scope.INGEST))))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void rowLimitSetsTruncated() {
        QueryExecutor ex = QueryExecutor.builder().database(db().database()).planner(planner()).maxRows(3).build();
        QueryResult r = ex.execute(Fixture.principal(Fixture.ACME), "SELECT ts FROM logs ORDER BY ts", List.of());
        assertThat(r.rows()).hasSize(3);
        assertThat(r.truncated()).isTrue();
        QueryResult all = ex.execute(Fixture.principal(Fixture.ACME), "SELECT ts FROM logs WHERE level = 'warn'",
                List.of());
        assertThat(all.truncated()).isFalse();
        assertThat(all.columns()).containsExactly(new ResultColumn("ts", ColumnType.TIMESTAMP));
    }

    @Test
    void admissionRunsBeforePlanning() {
        TenantQueryPlanner planner = planner();
        QueryExecutor ex = QueryExecutor.builder().database(db().database()).planner(planner)
                .admission(p -> {
                    if (p.org().equals(Fixture.GLOBEX)) {
                        throw new MoleSignalException(ErrorCode.QUOTA_QUERY_RATE, "query rate quota exceeded");
                    }
                }).build();
        assertThatThrownBy(() -> ex.execute(Fixture.principal(Fixture.GLOBEX), "SELECT * FROM nowhere", List.of()))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_QUERY_RATE));
        assertThat(planner.cacheStats().requestCount()).isZero();
        assertThat(ex.execute(Fixture.principal(Fixture.ACME), "SELECT count(*) FROM logs", List.of()).rows())
                .containsExactly(List.of(9L));
    }

    @Test
    void resultTypesAndNames() {
        QueryResult r = executor(planner()).execute(Fixture.principal(Fixture.ACME),
                "SELECT level AS \"Level\", count(*) AS n, avg(CAST(size_bytes AS DOUBLE)) AS a, max(ts) AS t, "
                        + "max(attributes) AS j FROM logs WHERE level = 'warn' GROUP BY level", List.of());
        assertThat(r.columns()).extracting(ResultColumn::name).containsExactly("Level", "n", "a", "t", "j");
        assertThat(r.columns()).extracting(ResultColumn::type).containsExactly(ColumnType.STRING, ColumnType.INTEGER,
                ColumnType.DOUBLE, ColumnType.TIMESTAMP, ColumnType.STRING);
        assertThat(r.rows()).containsExactly(List.of("warn", 1L, 30.0,
                java.time.Instant.parse("2026-11-30T10:02:00Z"), "{\"tags\":[\"x\",\"y\"],\"n\":3}"));
        QueryResult c = executor(planner()).execute(Fixture.principal(Fixture.ACME),
                "SELECT CAST(1.5 AS DECIMAL(10, 2)) AS d, true AS b, severity_number FROM severity_levels "
                        + "WHERE level = 'info'", List.of());
        assertThat(c.columns()).extracting(ResultColumn::type).containsExactly(ColumnType.DECIMAL,
                ColumnType.BOOLEAN, ColumnType.INTEGER);
        assertThat(c.rows().get(0).get(0)).isInstanceOf(java.math.BigDecimal.class);
        assertThat(c.rows().get(0).subList(1, 3)).containsExactly(true, 9L);
        QueryResult j = executor(planner()).execute(Fixture.principal(Fixture.ACME),
                "SELECT attributes FROM logs WHERE level = 'warn'", List.of());
        assertThat(j.columns()).containsExactly(new ResultColumn("attributes", ColumnType.JSON));
    }

    @Test
    void runtimeErrorsCarryNoStoredValues() {
        QueryExecutor ex = executor(planner());
        assertThatThrownBy(() -> ex.execute(Fixture.principal(Fixture.ACME),
                "SELECT CAST(message AS INTEGER) FROM logs WHERE service = 'api'", List.of()))
                .isInstanceOfSatisfying(MoleSignalException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("started").doesNotContain("failed 42");
                });
        assertThatThrownBy(() -> ex.execute(Fixture.principal(Fixture.ACME),
                "SELECT 1 / (size_bytes - 10) FROM logs", List.of()))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("the query failed: division by zero"));
    }

    @Test
    void jsonValueSemantics() {
        QueryExecutor ex = executor(planner());
        List<List<Object>> r = rows(ex, Fixture.ACME, "SELECT json_value(attributes, '$.n'), "
                + "json_value(attributes, '$.user'), json_value(attributes, '$[\"user\"][\"email\"]'), "
                + "json_value(attributes, '$.tags'), json_value(attributes, '$.tags[1]'), "
                + "json_value(attributes, '$.missing') FROM logs WHERE service IN ('api', 'db') ORDER BY ts");
        assertThat(r).containsExactly(
                java.util.Arrays.asList("1", null, "a@acme.test", null, null, null),
                java.util.Arrays.asList("2", null, "b@acme.test", null, null, null),
                java.util.Arrays.asList("3", null, null, null, "y", null),
                java.util.Arrays.asList("4", null, null, null, null, null));
        assertThatThrownBy(() -> rows(ex, Fixture.ACME, "SELECT json_value(attributes, 'user') FROM logs"))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SQL_VALIDATE));
    }

    @Test
    void decryptInTheOutermostSelectAndWhere() {
        QueryExecutor ex = executor(planner());
        assertThat(rows(ex, Fixture.ACME, "SELECT decrypt(message, 'dk') AS m FROM logs WHERE trace_id = '7001'"))
                .containsExactly(List.of("secret-acme"));
        assertThat(rows(ex, Fixture.GLOBEX, "SELECT decrypt(message, 'dk') AS m FROM logs WHERE trace_id = '7001'"))
                .containsExactly(List.of("secret-globex"));
        assertThat(rows(ex, Fixture.ACME,
                "SELECT decrypt(json_value(attributes, '$.user.email'), 'dk') FROM logs WHERE trace_id = '7001'"))
                .containsExactly(List.of("e@acme"));
        assertThat(rows(ex, Fixture.ACME, "SELECT trace_id FROM logs WHERE decrypt(message, 'dk') = 'same-plaintext'"))
                .containsExactly(List.of("7002"));
        assertThat(rows(ex, Fixture.ACME,
                "SELECT trace_id FROM logs WHERE decrypt(message, 'dk') IN ('same-plaintext', 'secret-acme', "
                        + "'secret-globex') ORDER BY trace_id"))
                .containsExactly(List.of("7001"), List.of("7002"));
        assertThat(rows(ex, Fixture.ACME, "SELECT try_decrypt(message, 'dk') FROM logs WHERE service = 'api'"))
                .allMatch(r -> r.get(0) == null).hasSize(2);
        assertThatThrownBy(() -> rows(ex, Fixture.ACME, "SELECT decrypt(message, 'dk') FROM logs"))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DECRYPT_FAILED));
        assertThatThrownBy(() -> rows(ex, Fixture.ACME, "SELECT trace_id FROM logs WHERE decrypt(message, 'rk') = 'x'"))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SQL_UNSUPPORTED));
        for (String bad : List.of("SELECT count(*) FROM logs WHERE decrypt(message, 'dk') LIKE 'x%'",
                "SELECT * FROM (SELECT decrypt(message, 'dk') AS m FROM logs) x",
                "SELECT upper(decrypt(message, 'dk')) FROM logs",
                "SELECT level FROM logs GROUP BY level HAVING max(decrypt(message, 'dk')) = 'a'")) {
            assertThatThrownBy(() -> rows(ex, Fixture.ACME, bad)).isInstanceOfSatisfying(MoleSignalException.class,
                    e -> assertThat(e.code()).as(bad).isEqualTo(ErrorCode.SQL_UNSUPPORTED));
        }
        QueryExecutor noCipher = QueryExecutor.builder().database(db().database()).planner(planner()).build();
        assertThatThrownBy(() -> rows(noCipher, Fixture.ACME, "SELECT trace_id FROM logs WHERE decrypt(message, 'dk') = 'x'"))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CIPHER_DISABLED));
    }

    @Test
    void decryptSelectItemsAreRefusedWhereTheDatabaseWouldUseTheirCiphertext() {
        QueryExecutor ex = executor(planner());
        // each would group, order or deduplicate ciphertexts (randomized: one group per row)
        for (String bad : List.of(
                "SELECT decrypt(message, 'rk') AS m, count(*) FROM logs WHERE service = 'crypto2' GROUP BY 1",
                "SELECT decrypt(message, 'dk') AS m, count(*) FROM logs WHERE service = 'crypto' GROUP BY m",
                "SELECT decrypt(message, 'dk') AS m FROM logs WHERE service = 'crypto' ORDER BY m",
                "SELECT decrypt(message, 'dk') AS m FROM logs WHERE service = 'crypto' ORDER BY 1 DESC",
                "SELECT DISTINCT decrypt(message, 'rk') FROM logs WHERE service = 'crypto2'",
                "SELECT decrypt(message, 'dk') AS m, count(*) FROM logs GROUP BY message HAVING m > 'a'")) {
            assertThatThrownBy(() -> rows(ex, Fixture.ACME, bad)).isInstanceOfSatisfying(MoleSignalException.class,
                    e -> {
                        assertThat(e.code()).as(bad).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
                        assertThat(e.getMessage()).as(bad).contains("decrypt()");
                        assertThat(e.line()).as(bad).isPresent();
                    });
        }
        // ordering by another column, and grouping by the stored column itself, stay allowed
        assertThat(rows(ex, Fixture.ACME, "SELECT decrypt(message, 'dk') AS m FROM logs WHERE service = 'crypto' "
                + "ORDER BY trace_id DESC")).containsExactly(List.of("same-plaintext"), List.of("secret-acme"));
        assertThat(rows(ex, Fixture.ACME, "SELECT decrypt(message, 'dk') AS m, count(*) FROM logs "
                + "WHERE service = 'crypto' GROUP BY message ORDER BY 2, message"))
                .hasSize(2).allMatch(r -> r.get(1).equals(1L));
    }

    @Test
    void recursiveQueryJoiningATenantTableReturnsTheCallersTree() {
        // acme's spans: 11 (root) ← 12, 21 (root), 31 (root); other orgs' spans point at 11 and 12 as parents
        QueryExecutor ex = executor(planner());
        String q = "WITH RECURSIVE tree(span_id, depth) AS (SELECT span_id, 0 FROM spans WHERE parent_id IS NULL "
                + "UNION ALL SELECT s.span_id, t.depth + 1 FROM tree t JOIN spans s ON s.parent_id = t.span_id "
                + "WHERE t.depth < 5) SELECT span_id, depth FROM tree ORDER BY span_id";
        assertThat(rows(ex, Fixture.ACME, q)).containsExactly(List.of("11", 0L), List.of("12", 1L),
                List.of("21", 0L), List.of("31", 0L));
        // globex's spans have parents only among acme's span ids: no root, no tree
        assertThat(rows(ex, Fixture.GLOBEX, q)).isEmpty();
        // inside a subquery too (the recursive WITH is hoisted to the top of the generated statement)
        assertThat(rows(ex, Fixture.ACME, "SELECT count(*) FROM spans WHERE span_id IN (" + q.replace(
                " ORDER BY span_id", "").replace("SELECT span_id, depth FROM tree", "SELECT span_id FROM tree "
                + "WHERE depth > 0") + ")")).containsExactly(List.of(1L));
    }

    @Test
    void perCallLimitStopsAtLimitAndSetsTruncated() {
        QueryExecutor ex = QueryExecutor.builder().database(db().database()).planner(planner()).maxRows(5).build();
        String q = "SELECT ts FROM logs ORDER BY ts";
        QueryResult two = ex.execute(Fixture.principal(Fixture.ACME), q, List.of(), 2);
        assertThat(two.rows()).hasSize(2);
        assertThat(two.rowCount()).isEqualTo(2);
        assertThat(two.truncated()).isTrue();
        assertThat(two.rows()).isEqualTo(ex.execute(Fixture.principal(Fixture.ACME), q, List.of()).rows()
                .subList(0, 2));
        // the builder's maxRows caps a larger per-call limit
        QueryResult capped = ex.execute(Fixture.principal(Fixture.ACME), q, List.of(), 100_000);
        assertThat(capped.rows()).hasSize(5);
        assertThat(capped.truncated()).isTrue();
        // exactly as many rows as the limit: not truncated (acme has 9 log rows here)
        QueryExecutor big = QueryExecutor.builder().database(db().database()).planner(planner()).build();
        QueryResult exact = big.execute(Fixture.principal(Fixture.ACME), q, List.of(), 9);
        assertThat(exact.rows()).hasSize(9);
        assertThat(exact.truncated()).isFalse();
        QueryResult over = big.execute(Fixture.principal(Fixture.ACME), q, List.of(), 8);
        assertThat(over.rows()).hasSize(8);
        assertThat(over.truncated()).isTrue();
        List<List<Object>> streamed = new ArrayList<>();
        QueryResult s = big.stream(Fixture.principal(Fixture.ACME), q, List.of(), 3, streamed::add);
        assertThat(streamed).hasSize(3);
        assertThat(s.rows()).isEmpty();
        assertThat(s.rowCount()).isEqualTo(3);
        assertThat(s.truncated()).isTrue();
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> big.execute(Fixture.principal(Fixture.ACME), q, List.of(), bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
            assertThatThrownBy(() -> big.stream(Fixture.principal(Fixture.ACME), q, List.of(), bad, r -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        }
        // the largest int does not overflow the one-more-row fetch: it is capped like any larger limit
        QueryResult huge = ex.execute(Fixture.principal(Fixture.ACME), q, List.of(), Integer.MAX_VALUE);
        assertThat(huge.rows()).hasSize(5);
        assertThat(huge.truncated()).isTrue();
        // a construct the database cannot run is SQL_UNSUPPORTED (H2 has no LEFT JOIN LATERAL), never UNAVAILABLE
        try {
            big.execute(Fixture.principal(Fixture.ACME), "SELECT count(*) FROM logs a LEFT JOIN LATERAL (SELECT "
                    + "max(duration_ms) d FROM spans s WHERE s.trace_id = a.trace_id) x ON true", List.of());
        } catch (MoleSignalException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.SQL_UNSUPPORTED);
        }
        // a small limit runs in auto-commit: errors map the same way
        assertThatThrownBy(() -> big.execute(Fixture.principal(Fixture.ACME),
                "SELECT 1 / (size_bytes - size_bytes) FROM logs", List.of(), 10))
                .isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void theAutoCommitPathHandsTheConnectionBackAsItGotIt() throws Exception {
        // a pool of one connection that does not reset state on return, handing out auto-commit off
        try (java.sql.Connection real = db().dataSource().getConnection()) {
            real.setAutoCommit(false);
            java.sql.Connection kept = (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {java.sql.Connection.class}, (proxy, m, args) -> {
                        if (m.getName().equals("close")) {
                            return null;
                        }
                        try {
                            return m.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            javax.sql.DataSource ds = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, m, args) -> {
                        if (m.getName().equals("getConnection")) {
                            return kept;
                        }
                        try {
                            return m.invoke(db().dataSource(), args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            QueryExecutor ex = QueryExecutor.builder().database(io.molesignal.core.db.Database.of(ds))
                    .planner(planner()).build();
            assertThat(ex.execute(Fixture.principal(Fixture.ACME), "SELECT count(*) FROM logs", List.of(), 10)
                    .rows()).hasSize(1);
            assertThat(real.getAutoCommit()).isFalse();
            assertThatThrownBy(() -> ex.execute(Fixture.principal(Fixture.ACME),
                    "SELECT 1 / (size_bytes - size_bytes) FROM logs", List.of(), 10))
                    .isInstanceOf(MoleSignalException.class);
            assertThat(real.getAutoCommit()).isFalse();
            real.rollback();
        }
    }

    @Test
    void mixedOrgQueriesOnEightThreadsEachGetTheirOwnRows() throws Exception {
        QueryExecutor ex = executor(planner());
        List<OrgId> orgs = List.of(Fixture.ACME, Fixture.GLOBEX, INITECH);
        String q = "SELECT org_id, count(*), max(message) FROM logs WHERE ts > ? GROUP BY org_id";
        java.util.Map<OrgId, List<List<Object>>> expected = new java.util.HashMap<>();
        java.time.Instant since = java.time.Instant.parse("2026-01-01T00:00:00Z");
        for (OrgId o : orgs) {
            expected.put(o, rows(ex, o, q, since));
            assertThat(expected.get(o)).hasSize(1).allMatch(r -> r.get(0).equals(o.value()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int tt = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        OrgId o = orgs.get((tt + i) % orgs.size());
                        assertThat(rows(ex, o, q, since)).isEqualTo(expected.get(o));
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(done.get()).isEqualTo(320);
    }

    @Test
    void statementTimeoutMapsToQueryTimeout() {
        if (dialect() != TargetDialect.POSTGRESQL) {
            return; // H2's JDBC timeout has one-second granularity; covered on PostgreSQL
        }
        QueryExecutor ex = QueryExecutor.builder().database(db().database()).planner(planner())
                .statementTimeout(Duration.ofMillis(50)).build();
        assertThatThrownBy(() -> ex.execute(Fixture.principal(Fixture.ACME),
                "SELECT count(*) FROM logs a, logs b, logs c, logs d, logs e, logs f, logs g, logs h, logs i",
                List.of())).isInstanceOfSatisfying(MoleSignalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.QUERY_TIMEOUT));
    }
}
