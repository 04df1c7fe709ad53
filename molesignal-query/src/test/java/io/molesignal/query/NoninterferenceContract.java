package io.molesignal.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.molesignal.core.MoleSignalException;
import io.molesignal.core.testing.TestDb;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Noninterference, the primary oracle: every corpus query run as acme gives the same observable output (rows as a
 * multiset, order where ORDER BY is total, error code and message) whether the other orgs' data is world 1 or
 * world 2, and equals the output on a database that holds acme's rows only.
 */
abstract class NoninterferenceContract {
    protected abstract TestDb db();

    protected abstract TargetDialect dialect();

    protected QueryExecutor executor(TenantQueryPlanner planner) {
        return QueryExecutor.builder().database(db().database()).planner(planner).build();
    }

    /** Observable output of one query: normalised rows or the error. */
    static String observe(QueryExecutor ex, String sql, boolean ordered) {
        try {
            QueryResult r = ex.execute(Fixture.principal(Fixture.ACME), sql, List.of());
            List<String> rows = new ArrayList<>();
            for (List<Object> row : r.rows()) {
                rows.add(normalise(row));
            }
            if (!ordered) {
                rows.sort(null);
            }
            return "columns=" + r.columns() + " truncated=" + r.truncated() + " rows=" + rows;
        } catch (MoleSignalException e) {
            return "error " + e.code() + ": " + e.getMessage() + " @" + e.line() + ":" + e.column();
        }
    }

    static String normalise(List<Object> row) {
        List<String> out = new ArrayList<>();
        for (Object v : row) {
            if (v == null) {
                out.add("NULL");
            } else if (v instanceof Number n) {
                out.add(new BigDecimal(n.toString()).stripTrailingZeros().toPlainString());
            } else if (v instanceof Instant i) {
                out.add(i.toString());
            } else {
                out.add(v.toString());
            }
        }
        return out.toString();
    }

    @Test
    void eachQueryAsAcmeIgnoresOtherOrgsData() {
        List<LeakSuite.Case> cases = LeakSuite.cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(100);
        TenantQueryPlanner planner = TenantQueryPlanner.builder().catalog(Fixture.catalog()).dialect(dialect())
                .build();
        QueryExecutor ex = executor(planner);
        long t0 = System.nanoTime();
        Fixture.deleteOthers(db());
        List<String> alone = new ArrayList<>();
        for (LeakSuite.Case c : cases) {
            alone.add(observe(ex, c.sql(), c.ordered()));
        }
        Fixture.seedOthers(db(), 1);
        List<String> world1 = new ArrayList<>();
        for (LeakSuite.Case c : cases) {
            world1.add(observe(ex, c.sql(), c.ordered()));
        }
        Fixture.deleteOthers(db());
        Fixture.seedOthers(db(), 2);
        List<String> failures = new ArrayList<>();
        int errors = 0;
        for (int i = 0; i < cases.size(); i++) {
            LeakSuite.Case c = cases.get(i);
            String w2 = observe(ex, c.sql(), c.ordered());
            if (!w2.equals(world1.get(i)) || !w2.equals(alone.get(i))) {
                failures.add(c.sql() + "\n  alone:  " + alone.get(i) + "\n  world1: " + world1.get(i)
                        + "\n  world2: " + w2);
            }
            if (w2.startsWith("error")) {
                errors++;
            }
        }
        System.out.printf("noninterference %s: %d queries (%d errors) x3 worlds in %d ms%n", dialect(),
                cases.size(), errors, (System.nanoTime() - t0) / 1_000_000);
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        // the corpus must actually reach data: most queries succeed
        assertThat(errors).isLessThan(cases.size() / 3);
    }
}
