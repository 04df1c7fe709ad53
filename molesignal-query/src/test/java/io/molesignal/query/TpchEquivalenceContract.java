package io.molesignal.query;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchColumnType;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.testing.TestDb;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single-tenant equivalence on TPC-H, run on each database by a subclass (data and the 22 queries from {@code io.trino.tpch:tpch}): three orgs at scale
 * factors 0.001, 0.002 and 0.004 share one set of tenant tables (indexes lead with {@code org_id} and cover the join
 * keys); each query run as each org through MoleSignal equals the same query run directly on a schema holding only
 * that org's data.
 *
 * <p>Rewrites of the shipped query text, with the reason:
 * <ul>
 *   <li>Q15: the view plus two statements become one {@code WITH revenue AS (…)} query (one statement only).</li>
 *   <li>Q22: {@code substr(c_phone, 1, 2)} → {@code substring(c_phone FROM 1 FOR 2)} ({@code substr} is not in
 *       Calcite's standard operator table).</li>
 *   <li>Q20: {@code date('1994-01-01')} → {@code DATE '1994-01-01'} (no {@code date()} function in Calcite's
 *       standard operator table).</li>
 *   <li>Q11: the alias {@code value} is quoted ({@code "value"} is a reserved word in Calcite).</li>
 *   <li>All: the trailing semicolon is removed; DATE columns are stored as TIMESTAMP (the tenant type set has no
 *       DATE).</li>
 * </ul>
 * Dialect-specific rewrites are listed on the subclasses ({@link TpchEquivalenceH2IT}, {@link TpchEquivalencePostgresIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TpchEquivalenceContract {
    /** Per-query statement timeout, through MoleSignal and on the single-org databases alike. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Map<String, Double> ORGS = new LinkedHashMap<>();

    static {
        ORGS.put("tpch1", 0.001);
        ORGS.put("tpch2", 0.002);
        ORGS.put("tpch4", 0.004);
    }

    private TestDb shared;
    private final Map<String, TestDb> alone = new LinkedHashMap<>();

    /** A fresh empty database (or schema) of the dialect under test. */
    protected abstract TestDb newDb(String name);

    protected abstract TargetDialect dialect();

    /** Refreshes the optimiser statistics after the load (both databases take {@code ANALYZE}). */
    protected void analyze(TestDb db) {
        db.exec("ANALYZE");
    }

    /** The query text both sides run: the shipped text with the rewrites of {@link #query(int)}. */
    protected String text(int q) {
        return query(q);
    }

    @BeforeAll
    void load() throws SQLException {
        long t0 = System.nanoTime();
        shared = newDb("tpch_shared");
        create(shared, true);
        for (Map.Entry<String, Double> e : ORGS.entrySet()) {
            TestDb one = newDb("tpch_" + e.getKey());
            create(one, false);
            for (TpchTable<?> t : TpchTable.getTables()) {
                insert(shared, t, e.getValue(), e.getKey());
                insert(one, t, e.getValue(), null);
            }
            analyze(one);
            alone.put(e.getKey(), one);
        }
        analyze(shared);
        System.out.printf("TPC-H %s load: %d ms%n", dialect(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    void close() {
        if (shared != null) {
            shared.close();
        }
        alone.values().forEach(TestDb::close);
    }

    private static String sqlType(TpchColumnType t) {
        return switch (t.getBase()) {
            case INTEGER, IDENTIFIER -> "BIGINT";
            case DATE -> "TIMESTAMP";
            case DOUBLE -> "DOUBLE PRECISION";
            case VARCHAR -> "VARCHAR(200)";
        };
    }

    private static ColumnType colType(TpchColumnType t) {
        return switch (t.getBase()) {
            case INTEGER, IDENTIFIER -> ColumnType.INTEGER;
            case DATE -> ColumnType.TIMESTAMP;
            case DOUBLE -> ColumnType.DOUBLE;
            case VARCHAR -> ColumnType.STRING;
        };
    }

    static TenantCatalog catalog() {
        TenantCatalog.Builder b = TenantCatalog.builder();
        for (TpchTable<?> t : TpchTable.getTables()) {
            List<TenantCatalog.Column> cols = new ArrayList<>();
            cols.add(new TenantCatalog.Column("org_id", ColumnType.STRING));
            for (TpchColumn<?> c : t.getColumns()) {
                cols.add(new TenantCatalog.Column(c.getColumnName(), colType(c.getType())));
            }
            b.tenantTable(t.getTableName(), "org_id", cols);
        }
        return b.build();
    }

    private static final Map<String, String> KEYS = Map.of("lineitem", "l_orderkey, l_linenumber",
            "orders", "o_orderkey", "customer", "c_custkey", "part", "p_partkey", "partsupp", "ps_partkey, ps_suppkey",
            "supplier", "s_suppkey", "nation", "n_nationkey", "region", "r_regionkey");
    private static final Map<String, String> SECOND = Map.of("lineitem", "l_partkey, l_suppkey",
            "orders", "o_custkey", "customer", "c_nationkey", "partsupp", "ps_suppkey", "supplier", "s_nationkey",
            "nation", "n_regionkey");

    static void create(TestDb db, boolean withOrg) {
        for (TpchTable<?> t : TpchTable.getTables()) {
            StringBuilder ddl = new StringBuilder("CREATE TABLE " + t.getTableName() + " (");
            if (withOrg) {
                ddl.append("org_id VARCHAR(64) NOT NULL, ");
            }
            List<String> cols = new ArrayList<>();
            for (TpchColumn<?> c : t.getColumns()) {
                cols.add(c.getColumnName() + " " + sqlType(c.getType()));
            }
            ddl.append(String.join(", ", cols)).append(")");
            db.exec(ddl.toString());
            String prefix = withOrg ? "org_id, " : "";
            db.exec("CREATE INDEX " + t.getTableName() + "_k ON " + t.getTableName() + " (" + prefix
                    + KEYS.get(t.getTableName()) + ")");
            if (SECOND.containsKey(t.getTableName())) {
                db.exec("CREATE INDEX " + t.getTableName() + "_k2 ON " + t.getTableName() + " (" + prefix
                        + SECOND.get(t.getTableName()) + ")");
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void insert(TestDb db, TpchTable<?> table, double sf, String org) throws SQLException {
        List<TpchColumn> cols = (List) table.getColumns();
        int n = cols.size() + (org == null ? 0 : 1);
        String sql = "INSERT INTO " + table.getTableName() + " VALUES (" + "?, ".repeat(n - 1) + "?)";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            int batch = 0;
            for (Object o : table.createGenerator(sf, 1, 1)) {
                TpchEntity e = (TpchEntity) o;
                int i = 1;
                if (org != null) {
                    ps.setString(i++, org);
                }
                for (TpchColumn col : cols) {
                    switch (col.getType().getBase()) {
                        case INTEGER -> ps.setLong(i++, col.getInteger(e));
                        case IDENTIFIER -> ps.setLong(i++, col.getIdentifier(e));
                        case DATE -> ps.setObject(i++, LocalDate.ofEpochDay(col.getDate(e)).atStartOfDay());
                        case DOUBLE -> ps.setDouble(i++, col.getDouble(e));
                        case VARCHAR -> ps.setString(i++, col.getString(e));
                    }
                }
                ps.addBatch();
                if (++batch % 2000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    static String query(int q) {
        String text;
        try (InputStream in = TpchTable.class.getResourceAsStream("/io/trino/tpch/queries/q" + q + ".sql")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (q == 15) {
            int view = text.indexOf("CREATE OR REPLACE VIEW revenue AS");
            int end = text.indexOf(';', view);
            String body = text.substring(view + "CREATE OR REPLACE VIEW revenue AS".length(), end);
            String select = text.substring(end + 1);
            text = "WITH revenue AS (" + body + ")\n" + select;
        }
        if (q == 22) {
            text = text.replace("substr(c_phone, 1, 2)", "substring(c_phone FROM 1 FOR 2)");
        }
        if (q == 20) {
            text = text.replaceAll("date\\('([0-9-]+)'\\)", "DATE '$1'");
        }
        if (q == 11) {
            text = text.replace("AS value", "AS \"value\"").replace("value DESC", "\"value\" DESC");
        }
        text = text.strip();
        if (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    private static String norm(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Number n) {
            BigDecimal d = new BigDecimal(n.toString()).round(new MathContext(12));
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC).toString();
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        return v.toString().stripTrailing();
    }

    /** Row lists equal, numbers within a relative 1e-9 (double sums differ in the last bits between plans). */
    static boolean sameRows(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            String[] x = a.get(i).split(", ");
            String[] y = b.get(i).split(", ");
            if (x.length != y.length) {
                return false;
            }
            for (int k = 0; k < x.length; k++) {
                String u = x[k].replace("[", "").replace("]", "");
                String v = y[k].replace("[", "").replace("]", "");
                if (u.equals(v)) {
                    continue;
                }
                try {
                    double du = Double.parseDouble(u);
                    double dv = Double.parseDouble(v);
                    if (Math.abs(du - dv) > 1e-6 * Math.max(Math.abs(du), Math.abs(dv)) + 1e-9) {
                        return false;
                    }
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> direct(TestDb db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = executeWithTimeout(st, sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(norm(rs.getObject(i)));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static ResultSet executeWithTimeout(Statement st, String sql) throws SQLException {
        st.setQueryTimeout((int) QUERY_TIMEOUT.toSeconds());
        return st.executeQuery(sql);
    }

    @Test
    void eachQueryAsEachOrgEqualsTheQueryOnThatOrgsDataAlone() throws SQLException {
        TenantQueryPlanner planner = TenantQueryPlanner.builder().catalog(catalog()).dialect(dialect()).build();
        QueryExecutor ex = QueryExecutor.builder().database(shared.database()).planner(planner)
                .statementTimeout(QUERY_TIMEOUT).maxRows(100_000).build();
        List<String> failures = new ArrayList<>();
        long total = System.nanoTime();
        for (int q = 1; q <= 22; q++) {
            String sql = text(q);
            long t0 = System.nanoTime();
            int rowsSeen = 0;
            for (String org : ORGS.keySet()) {
                Principal p = new Principal(OrgId.of(org), "u", Role.VIEWER, CredentialKind.JWT, "j", Set.of());
                List<String> expected;
                try {
                    expected = direct(alone.get(org), sql);
                } catch (SQLException e) {
                    failures.add("Q" + q + " as " + org + " on the single-org database: " + e);
                    continue;
                }
                List<String> actual = new ArrayList<>();
                try {
                    for (List<Object> row : ex.execute(p, sql, List.of()).rows()) {
                        List<String> r = new ArrayList<>();
                        row.forEach(v -> r.add(norm(v)));
                        actual.add(r.toString());
                    }
                } catch (RuntimeException e) {
                    failures.add("Q" + q + " as " + org + ": " + e);
                    continue;
                }
                rowsSeen += actual.size();
                boolean ordered = sql.toUpperCase().contains("ORDER BY");
                List<String> a = new ArrayList<>(actual);
                List<String> b = new ArrayList<>(expected);
                if (!ordered) {
                    a.sort(null);
                    b.sort(null);
                }
                if (!sameRows(a, b)) {
                    a.sort(null);
                    b.sort(null);
                    failures.add("Q" + q + " as " + org + (sameRows(a, b) ? " (order only)" : "") + "\n  expected "
                            + expected + "\n  actual   " + actual);
                }
            }
            System.out.printf("TPC-H %s Q%d: %d rows over 3 orgs in %d ms%n", dialect(), q, rowsSeen,
                    (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.printf("TPC-H %s suite: %d ms%n", dialect(), (System.nanoTime() - total) / 1_000_000);
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }
}
