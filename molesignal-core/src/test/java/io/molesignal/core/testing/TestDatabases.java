package io.molesignal.core.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.db.Database;

/**
 * Databases for tests: a private in-memory H2 database, or a private schema on the PostgreSQL at
 * {@code MS_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code MS_TEST_PG_USER}
 * or {@code postgres}). Each {@link TestDb} is its own database or schema, so suites never see each other's tables.
 *
 * <p>When PostgreSQL does not answer: with {@code CI=true} the test fails; otherwise it is skipped with the reason
 * printed.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestDatabases() {
    }

    /** The PostgreSQL JDBC URL the tests use. */
    public static String postgresUrl() {
        String url = System.getenv("MS_TEST_PG_URL");
        return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test" : url;
    }

    /** The PostgreSQL user the tests use. */
    public static String postgresUser() {
        String user = System.getenv("MS_TEST_PG_USER");
        return user == null || user.isBlank() ? "postgres" : user;
    }

    /** A fresh in-memory H2 database. */
    public static TestDb h2(String name) {
        String db = sanitize(name) + "_" + COUNTER.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000");
        cfg.setMaximumPoolSize(16);
        cfg.setPoolName("h2-" + db);
        HikariDataSource ds = new HikariDataSource(cfg);
        return new TestDb(ds, Database.of(ds), null, () -> {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already closed
            }
            ds.close();
        });
    }

    /** A fresh schema on the test PostgreSQL (fails under CI, skips otherwise, when it does not answer). */
    public static TestDb postgres(String name) {
        return postgres(name, 16);
    }

    /** A fresh schema on the test PostgreSQL with a pool of {@code poolSize}. */
    public static TestDb postgres(String name, int poolSize) {
        String schema = "t_" + sanitize(name) + "_" + UUID.randomUUID().toString().substring(0, 8);
        requirePostgres();
        try (Connection c = DriverManager.getConnection(postgresUrl(), postgresUser(), password());
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test schema", e);
        }
        HikariDataSource ds = pool(schema, poolSize);
        return new TestDb(ds, Database.of(ds), schema, () -> {
            ds.close();
            try (Connection c = DriverManager.getConnection(postgresUrl(), postgresUser(), password());
                 Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (SQLException ignored) {
                // best effort
            }
        });
    }

    /** Another pool on the same schema (a second app instance). The caller closes it. */
    public static HikariDataSource pool(String schema, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(postgresUrl() + (postgresUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema);
        cfg.setUsername(postgresUser());
        cfg.setPassword(password());
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("pg-" + schema);
        return new HikariDataSource(cfg);
    }

    /** Fails (under CI) or skips the test when PostgreSQL does not answer. */
    public static void requirePostgres() {
        try (Connection c = DriverManager.getConnection(postgresUrl(), postgresUser(), password())) {
            c.isValid(2);
        } catch (SQLException e) {
            String reason = "PostgreSQL does not answer at " + postgresUrl() + " (" + e.getSQLState() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(reason + "; CI=true requires it", e);
            }
            System.out.println("SKIPPED PostgreSQL suite: " + reason);
            Assumptions.abort(reason);
        }
    }

    private static String password() {
        String p = System.getenv("MS_TEST_PG_PASSWORD");
        return p == null ? "" : p;
    }

    private static String sanitize(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        return s.length() > 30 ? s.substring(0, 30) : s;
    }
}
