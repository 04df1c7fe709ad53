package io.molesignal.query;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.molesignal.core.MoleSignalException;
import io.molesignal.core.db.RowLevelSecurity;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;
import io.molesignal.query.internal.SqlErrors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL second wall: FORCEd row-level security through core's {@link TenantSession}. Runs the leak corpus
 * with each wall alone (the planner guard alone is {@link NoninterferencePostgresIT}; here: the raw SQL under RLS
 * alone, and both walls together) and the differential oracle MoleSignal vs raw SQL under RLS.
 */
class RlsWallPostgresIT {
    private static TestDb db;
    private static final RowLevelSecurity RLS = RowLevelSecurity.defaults();

    @BeforeAll
    static void setUp() {
        db = TestDatabases.postgres("rlswall");
        Fixture.createSchema(db);
        Fixture.seedAcme(db);
        RLS.apply(db.database(), Fixture.catalog().tenantTables());
        db.exec("GRANT SELECT ON severity_levels TO " + RLS.tenantRole());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static String raw(TenantSession session, String sql, boolean ordered) {
        try {
            return session.run(Fixture.ACME, tx -> {
                try (var st = tx.connection().createStatement()) {
                    st.execute("SET TRANSACTION READ ONLY");
                }
                try (PreparedStatement ps = tx.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                    List<String> rows = new ArrayList<>();
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int i = 1; i <= n; i++) {
                            Object v = rs.getObject(i);
                            if (v instanceof java.sql.Timestamp ts) {
                                v = ts.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC);
                            }
                            row.add(v);
                        }
                        rows.add(NoninterferenceContract.normalise(row));
                    }
                    if (!ordered) {
                        rows.sort(null);
                    }
                    return "rows=" + rows;
                } catch (SQLException e) {
                    MoleSignalException m = SqlErrors.map(e);
                    return "error " + m.code() + ": " + m.getMessage();
                }
            });
        } catch (MoleSignalException e) {
            return "error " + e.code() + ": " + e.getMessage();
        }
    }

    private static String rowsOnly(String observed) {
        int i = observed.indexOf("rows=");
        return i < 0 ? observed : observed.substring(i);
    }

    @Test
    void eachWallAloneAndBothTogetherKeepNoninterference() {
        TenantSession rlsOnly = TenantSession.builder(db.database()).rowLevelSecurity(RLS).build();
        assertThat(rlsOnly.rowLevelSecurityActive()).isTrue();
        TenantQueryPlanner planner = TenantQueryPlanner.builder().catalog(Fixture.catalog())
                .dialect(TargetDialect.POSTGRESQL).build();
        QueryExecutor both = QueryExecutor.builder().database(db.database()).planner(planner)
                .rowLevelSecurity(RLS).build();
        QueryExecutor guardOnly = QueryExecutor.builder().database(db.database()).planner(planner).build();
        assertThat(both.rowLevelSecurityActive()).isTrue();
        List<LeakSuite.Case> cases = LeakSuite.cases().stream().filter(LeakSuite.Case::pgRaw).toList();

        Fixture.deleteOthers(db);
        Fixture.seedOthers(db, 1);
        List<String> raw1 = new ArrayList<>();
        List<String> both1 = new ArrayList<>();
        List<String> guard1 = new ArrayList<>();
        for (LeakSuite.Case c : cases) {
            raw1.add(raw(rlsOnly, c.sql(), c.ordered()));
            both1.add(NoninterferenceContract.observe(both, c.sql(), c.ordered()));
            guard1.add(NoninterferenceContract.observe(guardOnly, c.sql(), c.ordered()));
        }
        Fixture.deleteOthers(db);
        Fixture.seedOthers(db, 2);
        assertThat(db.queryLong("SELECT count(*) FROM logs WHERE org_id = 'acme'")).isEqualTo(6);
        List<String> failures = new ArrayList<>();
        List<String> divergences = new ArrayList<>();
        int compared = 0;
        for (int i = 0; i < cases.size(); i++) {
            LeakSuite.Case c = cases.get(i);
            String raw2 = raw(rlsOnly, c.sql(), c.ordered());
            String both2 = NoninterferenceContract.observe(both, c.sql(), c.ordered());
            if (!raw2.equals(raw1.get(i))) {
                failures.add("RLS alone: " + c.sql() + "\n  " + raw1.get(i) + "\n  " + raw2);
            }
            if (!both2.equals(both1.get(i))) {
                failures.add("both walls: " + c.sql() + "\n  " + both1.get(i) + "\n  " + both2);
            }
            if (!both2.equals(guard1.get(i))) {
                failures.add("both walls vs guard alone: " + c.sql() + "\n  " + guard1.get(i) + "\n  " + both2);
            }
            // differential oracle: MoleSignal's rows equal the raw query's rows under RLS where both ran
            // Known dialect divergence: Calcite types AVG/STDDEV of an integer column as integer.
            if (guard1.get(i).startsWith("columns") && raw1.get(i).startsWith("rows")
                    && !c.sql().contains("stddev_pop")) {
                compared++;
                if (!rowsOnly(guard1.get(i)).equals(raw1.get(i))) {
                    divergences.add(c.sql() + "\n  molesignal: " + rowsOnly(guard1.get(i)) + "\n  raw+RLS:    "
                            + raw1.get(i));
                }
            }
        }
        System.out.printf("RLS walls: %d queries; differential compared %d, %d dialect divergences%n%s%n",
                cases.size(), compared, divergences.size(), String.join("\n", divergences));
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        assertThat(compared).isGreaterThan(80);
        assertThat(divergences).as(String.join("\n", divergences)).isEmpty();
    }
}
