package io.molesignal.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.db.Dialect;
import io.molesignal.core.testing.TestDb;

import static io.molesignal.query.ColumnType.DOUBLE;
import static io.molesignal.query.ColumnType.INTEGER;
import static io.molesignal.query.ColumnType.JSON;
import static io.molesignal.query.ColumnType.STRING;
import static io.molesignal.query.ColumnType.TIMESTAMP;

/** The test schema (logs, spans, metrics, severity_levels, an unregistered table) and its seed data. */
final class Fixture {
    static final OrgId ACME = OrgId.of("acme");
    static final OrgId GLOBEX = OrgId.of("globex");
    /** Decoy orgs seeded with raw JDBC: case, trailing blank, suffix, and NULL. */
    static final List<String> DECOYS = List.of("ACME", "acme ", "acme2", "globex");

    private Fixture() {
    }

    static Principal principal(OrgId org) {
        return new Principal(org, "user-" + org.value(), Role.VIEWER, CredentialKind.JWT, "jti-" + org.value(),
                Set.of());
    }

    static TenantCatalog catalog() {
        return TenantCatalog.builder()
                .tenantTable("logs", "org_id", List.of(col("org_id", STRING), col("stream", STRING),
                        col("ts", TIMESTAMP), col("level", STRING), col("service", STRING), col("message", STRING),
                        col("trace_id", STRING), col("span_id", STRING), col("attributes", JSON),
                        col("size_bytes", INTEGER)))
                .tenantTable("spans", "org_id", List.of(col("org_id", STRING), col("stream", STRING),
                        col("ts", TIMESTAMP), col("trace_id", STRING), col("span_id", STRING),
                        col("parent_id", STRING), col("service", STRING), col("name", STRING),
                        col("duration_ms", INTEGER), col("attributes", JSON), col("size_bytes", INTEGER)))
                .tenantTable("metrics", "org_id", List.of(col("org_id", STRING), col("stream", STRING),
                        col("ts", TIMESTAMP), col("name", STRING), col("value", DOUBLE), col("attributes", JSON),
                        col("size_bytes", INTEGER)))
                .sharedTable("severity_levels", List.of(col("level", STRING), col("severity_number", INTEGER)))
                .build();
    }

    private static TenantCatalog.Column col(String n, ColumnType t) {
        return new TenantCatalog.Column(n, t);
    }

    static void createSchema(TestDb db) {
        boolean pg = db.dialect() == Dialect.POSTGRESQL;
        String value = pg ? "\"value\"" : "\"VALUE\"";
        db.exec("CREATE TABLE logs (org_id VARCHAR(64), stream VARCHAR(64), ts TIMESTAMP, level VARCHAR(16), "
                + "service VARCHAR(64), message VARCHAR(1000), trace_id VARCHAR(64), span_id VARCHAR(64), "
                + "attributes VARCHAR(4000), size_bytes BIGINT)");
        db.exec("CREATE INDEX logs_org_ts ON logs (org_id, ts)");
        db.exec("CREATE TABLE spans (org_id VARCHAR(64), stream VARCHAR(64), ts TIMESTAMP, trace_id VARCHAR(64), "
                + "span_id VARCHAR(64), parent_id VARCHAR(64), service VARCHAR(64), name VARCHAR(200), "
                + "duration_ms BIGINT, attributes VARCHAR(4000), size_bytes BIGINT)");
        db.exec("CREATE INDEX spans_org_trace ON spans (org_id, trace_id, span_id)");
        db.exec("CREATE TABLE metrics (org_id VARCHAR(64), stream VARCHAR(64), ts TIMESTAMP, name VARCHAR(200), "
                + value + " DOUBLE PRECISION, attributes VARCHAR(4000), size_bytes BIGINT)");
        db.exec("CREATE INDEX metrics_org_ts ON metrics (org_id, ts)");
        db.exec("CREATE TABLE severity_levels (level VARCHAR(16), severity_number BIGINT)");
        db.exec("CREATE TABLE secret_admin (org_id VARCHAR(64), secret VARCHAR(64))");
        db.exec("INSERT INTO secret_admin VALUES ('acme', 'root-password')");
        for (String[] s : new String[][] {{"trace", "1"}, {"debug", "5"}, {"info", "9"}, {"warn", "13"},
                {"error", "17"}, {"fatal", "21"}}) {
            db.exec("INSERT INTO severity_levels VALUES ('" + s[0] + "', " + s[1] + ")");
        }
    }

    /** Acme's rows: numeric trace ids, no size 7, parseable messages where the attack queries need them. */
    static void seedAcme(TestDb db) {
        insertLogs(db, "acme", 0, new String[][] {
                {"info", "api", "started ok", "1001", "11", "{\"user\":{\"email\":\"a@acme.test\"},\"n\":1}", "10"},
                {"error", "api", "failed 42", "1002", "12", "{\"user\":{\"email\":\"b@acme.test\"},\"n\":2}", "20"},
                {"warn", "db", "slow query", "1003", "13", "{\"tags\":[\"x\",\"y\"],\"n\":3}", "30"},
                {"info", "db", "ok", "1004", "14", "{\"n\":4}", "40"},
                {"error", "web", "timeout", "1005", "15", "{}", "50"},
                {"debug", "web", null, "1006", "16", null, "60"}});
        insertSpans(db, "acme", new String[][] {
                {"1001", "11", null, "api", "GET /", "5"}, {"1001", "12", "11", "db", "SELECT", "3"},
                {"1002", "21", null, "api", "POST /", "8"}, {"1003", "31", null, "web", "GET /x", "13"}});
        insertMetrics(db, "acme", new Object[][] {{"cpu", 0.5}, {"cpu", 0.7}, {"mem", 100.0}, {"disk", 3.0}});
    }

    /** Other orgs' rows, world 1 or 2: crafted so that any evaluation of a user expression on them can fail. */
    static void seedOthers(TestDb db, int world) {
        for (String org : DECOYS) {
            if (world == 1) {
                insertLogs(db, org, 100, new String[][] {
                        {"info", "api", "globex secret", "abc", "x1", "{\"user\":{\"email\":\"bob@globex.test\"}}", "7"},
                        {"error", "db", "(", "1002", "12", "not json", "0"},
                        {"fatal", "billing", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "x", "y", "[1,2]", "7"}});
                insertSpans(db, org, new String[][] {{"1001", "99", "11", "api", "evil", "0"},
                        {"zzz", "98", "12", "billing", "pay", "7"}});
                insertMetrics(db, org, new Object[][] {{"cpu", 0.0}, {"revenue", 1.0e9}});
            } else {
                insertLogs(db, org, 200, new String[][] {
                        {"warn", "web", "other text", "qq", "s", "{\"n\":\"str\"}", "1"},
                        {"info", "api", "started ok", "1001", "11", "{\"user\":{\"email\":\"a@acme.test\"},\"n\":1}",
                                "10"}});
                insertSpans(db, org, new String[][] {{"2001", "77", null, "web", "GET /", "9"}});
            }
        }
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO logs (org_id, level, service, message, "
                     + "trace_id, size_bytes) VALUES (NULL, 'info', 'api', ?, 'nul', 7)")) {
            ps.setString(1, world == 1 ? "null org row" : "null org row two");
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteOthers(TestDb db) {
        for (String t : List.of("logs", "spans", "metrics")) {
            db.exec("DELETE FROM " + t + " WHERE org_id IS NULL OR org_id <> 'acme'");
        }
    }

    static void insertLogs(TestDb db, String org, int minuteBase, String[][] rows) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO logs (org_id, stream, ts, level, service, "
                     + "message, trace_id, span_id, attributes, size_bytes) VALUES (?, 'main', ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 0;
            for (String[] r : rows) {
                ps.setString(1, org);
                ps.setObject(2, LocalDateTime.of(2026, 11, 30, 10, 0).plusMinutes(minuteBase + i++));
                ps.setString(3, r[0]);
                ps.setString(4, r[1]);
                ps.setString(5, r[2]);
                ps.setString(6, r[3]);
                ps.setString(7, r[4]);
                ps.setString(8, r[5]);
                ps.setLong(9, Long.parseLong(r[6]));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void insertSpans(TestDb db, String org, String[][] rows) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO spans (org_id, stream, ts, trace_id, span_id, "
                     + "parent_id, service, name, duration_ms, attributes, size_bytes) "
                     + "VALUES (?, 'main', ?, ?, ?, ?, ?, ?, ?, '{}', 1)")) {
            int i = 0;
            for (String[] r : rows) {
                ps.setString(1, org);
                ps.setObject(2, LocalDateTime.of(2026, 11, 30, 10, 0).plusMinutes(i++));
                ps.setString(3, r[0]);
                ps.setString(4, r[1]);
                ps.setString(5, r[2]);
                ps.setString(6, r[3]);
                ps.setString(7, r[4]);
                ps.setLong(8, Long.parseLong(r[5]));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void insertMetrics(TestDb db, String org, Object[][] rows) {
        boolean pg = db.dialect() == Dialect.POSTGRESQL;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO metrics (org_id, stream, ts, name, "
                     + (pg ? "\"value\"" : "\"VALUE\"") + ", attributes, size_bytes) VALUES (?, 'main', ?, ?, ?, '{}', 1)")) {
            int i = 0;
            for (Object[] r : rows) {
                ps.setString(1, org);
                ps.setObject(2, LocalDateTime.of(2026, 11, 30, 10, 0).plusMinutes(i++));
                ps.setString(3, (String) r[0]);
                ps.setDouble(4, (Double) r[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
