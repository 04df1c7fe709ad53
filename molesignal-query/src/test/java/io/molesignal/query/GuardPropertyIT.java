package io.molesignal.query;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.molesignal.core.MoleSignalException;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: for queries generated from a grammar over the test schema (filters that can fail, joins, outer joins,
 * aggregates, HAVING, IN/EXISTS/scalar subqueries, set operations, derived tables), planning either refuses the
 * query with a SQL_* code or yields a plan that passed the checker with the org as a bind parameter, and the output
 * as acme is identical on two databases that differ only in the other orgs' rows (noninterference).
 */
class GuardPropertyIT {
    private static TestDb world1;
    private static TestDb world2;
    private static QueryExecutor ex1;
    private static QueryExecutor ex2;
    private static TenantQueryPlanner planner;

    @BeforeContainer
    static void setUp() {
        world1 = TestDatabases.h2("prop1");
        world2 = TestDatabases.h2("prop2");
        for (int w = 1; w <= 2; w++) {
            TestDb db = w == 1 ? world1 : world2;
            Fixture.createSchema(db);
            Fixture.seedAcme(db);
            Fixture.seedOthers(db, w);
        }
        planner = TenantQueryPlanner.builder().catalog(Fixture.catalog()).dialect(TargetDialect.H2).build();
        ex1 = QueryExecutor.builder().database(world1.database()).planner(planner).build();
        TenantQueryPlanner planner2 = TenantQueryPlanner.builder().catalog(Fixture.catalog())
                .dialect(TargetDialect.H2).build();
        ex2 = QueryExecutor.builder().database(world2.database()).planner(planner2).build();
    }

    @AfterContainer
    static void tearDown() {
        world1.close();
        world2.close();
    }

    private static final List<String> TABLES = List.of("logs", "spans");

    @Provide
    Arbitrary<String> predicate() {
        return Arbitraries.of(
                "%s.size_bytes > 5", "1/(%s.size_bytes - 7) > 0", "CAST(%s.trace_id AS INTEGER) > 0",
                "%s.org_id = 'globex'", "%s.org_id <> 'acme'", "upper(%s.service) = 'API'",
                "%s.trace_id IS NOT NULL", "CASE WHEN %s.org_id = 'globex' THEN 1/0 ELSE 1 END = 1",
                "%s.trace_id IN (SELECT trace_id FROM spans)",
                "EXISTS (SELECT 1 FROM spans z WHERE z.trace_id = %s.trace_id AND 1/(z.duration_ms - 7) > 0)",
                "%s.size_bytes = (SELECT max(size_bytes) FROM logs WHERE service = 'billing')",
                "mod(100, %s.size_bytes) >= 0", "%s.service LIKE 'b%%'", "'x' SIMILAR TO %s.service");
    }

    @Provide
    Arbitrary<String> query() {
        Arbitrary<String> t1 = Arbitraries.of(TABLES);
        Arbitrary<String> t2 = Arbitraries.of(TABLES);
        Arbitrary<Integer> shape = Arbitraries.integers().between(0, 6);
        Arbitrary<String> joinKind = Arbitraries.of("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN");
        return Combinators.combine(t1, t2, shape, joinKind, predicate(), predicate(), predicate())
                .as((a, b, s, jk, p1, p2, p3) -> {
                    String w1 = String.format(p1, "x");
                    String w2 = String.format(p2, "y");
                    String w3 = String.format(p3, "x");
                    return switch (s) {
                        case 0 -> "SELECT count(*) FROM " + a + " x WHERE " + w1 + " AND " + w3;
                        case 1 -> "SELECT count(*) FROM " + a + " x " + jk + " " + b + " y ON x.trace_id = y.trace_id AND "
                                + w2 + " WHERE " + w1 + " OR x.size_bytes IS NULL";
                        case 2 -> "SELECT x.service, count(*) FROM " + a + " x WHERE " + w1
                                + " GROUP BY x.service HAVING count(*) > 0";
                        case 3 -> "SELECT count(*) FROM (SELECT x.trace_id, x.size_bytes, x.service, x.org_id FROM "
                                + a + " x WHERE " + w3 + ") x WHERE " + w1;
                        case 4 -> "SELECT x.service FROM " + a + " x WHERE " + w1 + " UNION SELECT y.service FROM "
                                + b + " y WHERE " + w2;
                        case 5 -> "SELECT count(*) FROM (SELECT x.service, max(x.size_bytes) m FROM " + a
                                + " x GROUP BY x.service) g WHERE 1/(g.m - 7) > 0";
                        default -> "SELECT (SELECT count(*) FROM " + b + " y WHERE " + w2 + ") FROM " + a + " x WHERE "
                                + w1;
                    };
                });
    }

    @Property(tries = 200, seed = "20261130", edgeCases = EdgeCasesMode.NONE)
    void planInvariantAndNoninterference(@ForAll("query") String sql) {
        try {
            PlannedQuery p = planner.plan(Fixture.principal(Fixture.ACME), sql);
            assertThat(p.sql()).contains("= ?");
            assertThat(p.bindValues()).contains("acme");
            if (!sql.contains("acme")) {
                assertThat(p.sql()).doesNotContain("acme"); // the org is only ever a bind value
            }
        } catch (MoleSignalException e) {
            assertThat(e.code().name()).startsWith("SQL_");
        }
        String a = NoninterferenceContract.observe(ex1, sql, false);
        String b = NoninterferenceContract.observe(ex2, sql, false);
        assertThat(b).as(sql).isEqualTo(a);
    }
}
