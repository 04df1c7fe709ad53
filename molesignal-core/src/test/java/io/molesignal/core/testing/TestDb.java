package io.molesignal.core.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.molesignal.core.db.Database;
import io.molesignal.core.db.Dialect;

/**
 * A private test database (H2) or schema (PostgreSQL); closing it drops everything.
 *
 * @param dataSource the pool
 * @param database MoleSignal's view of it
 * @param schema the PostgreSQL schema, or null for H2
 * @param onClose cleanup
 */
public record TestDb(DataSource dataSource, Database database, String schema, Runnable onClose)
        implements AutoCloseable {

    public Dialect dialect() {
        return database.dialect();
    }

    /** Runs raw SQL (setup, or tampering in attack tests). */
    public int exec(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql, e);
        }
    }

    /** Seeds enabled orgs with raw JDBC (no audit entry), for tests of what runs inside an existing org. */
    public void insertOrgs(String... orgs) {
        for (String org : orgs) {
            exec("INSERT INTO ms_org (org_id, disabled, created_at) VALUES ('" + org.replace("'", "''")
                    + "', FALSE, CURRENT_TIMESTAMP)");
        }
    }

    /** The first column of the first row of a query, as a long. */
    public long queryLong(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        onClose.run();
    }
}
