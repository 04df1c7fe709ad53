package io.molesignal.core.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/** The SQL dialects MoleSignal runs on for real, detected from a JDBC connection's metadata. */
public enum Dialect {
    /** H2 2.x, the embedded default (file or memory). */
    H2,
    /** PostgreSQL 13 or newer, for production. */
    POSTGRESQL;

    /**
     * Detects the dialect of a connection from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} for a database MoleSignal does not support
     * @throws SQLException when the metadata cannot be read
     */
    public static Dialect detect(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("h2")) {
            return H2;
        }
        throw new MoleSignalException(ErrorCode.UNAVAILABLE, "unsupported database: only H2 and PostgreSQL are supported");
    }

    /** Whether a failed statement was a unique-key violation (SQLSTATE 23505 on both dialects). */
    public boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
