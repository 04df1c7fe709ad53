package io.molesignal.query.internal;

import java.sql.SQLException;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * Maps database errors to error codes with fixed messages chosen by SQLSTATE class (SQL:2016 / PostgreSQL
 * Appendix A, H2 error codes): the database's own message, which may quote stored values, is never copied.
 */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** The MoleSignal error for a database error raised while running a tenant query. */
    public static MoleSignalException map(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014") || state.equals("HYT00") || state.equals("HY008") || e.getErrorCode() == 57014) {
            return new MoleSignalException(ErrorCode.QUERY_TIMEOUT, "the statement timeout elapsed", e);
        }
        if (state.equals("22012")) {
            return new MoleSignalException(ErrorCode.INVALID_INPUT, "the query failed: division by zero", e);
        }
        if (state.equals("22P02") || state.equals("22018") || state.equals("22007") || state.equals("22008")) {
            return new MoleSignalException(ErrorCode.INVALID_INPUT,
                    "the query failed: a value could not be converted to the requested type", e);
        }
        if (state.equals("2201B")) {
            return new MoleSignalException(ErrorCode.INVALID_INPUT, "the query failed: invalid regular expression",
                    e);
        }
        if (state.equals("22003")) {
            return new MoleSignalException(ErrorCode.INVALID_INPUT, "the query failed: a number is out of range", e);
        }
        if (state.startsWith("22")) {
            return new MoleSignalException(ErrorCode.INVALID_INPUT, "the query failed: invalid data for an operation",
                    e);
        }
        if (state.startsWith("08")) {
            return new MoleSignalException(ErrorCode.UNAVAILABLE, "the database is unavailable", e);
        }
        // H2 90022 (function not found) is how H2 refuses generated syntax it lacks, e.g. LEFT JOIN LATERAL
        if (state.startsWith("42") || state.equals("90022")) {
            return new MoleSignalException(ErrorCode.SQL_UNSUPPORTED,
                    "the database does not support this query", e);
        }
        return new MoleSignalException(ErrorCode.UNAVAILABLE, "the query failed in the database", e);
    }
}
