package io.molesignal.auth.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.Scope;
import io.molesignal.core.db.Tx;

/** Small JDBC helpers shared by the stores. */
public final class Sql {
    private Sql() {
    }

    /** {@code t} truncated to microseconds (what both databases store). */
    public static Instant micros(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    public static void setTs(PreparedStatement ps, int i, @Nullable Instant t) throws SQLException {
        ps.setObject(i, t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    public static @Nullable Instant ts(ResultSet rs, int i) throws SQLException {
        OffsetDateTime o = rs.getObject(i, OffsetDateTime.class);
        return o == null ? null : o.toInstant();
    }

    public static Instant tsNonNull(ResultSet rs, int i) throws SQLException {
        Instant t = ts(rs, i);
        if (t == null) {
            throw new SQLException("unexpected NULL timestamp");
        }
        return t;
    }

    /** Runs an insert; false (and rolled back to a savepoint, so the transaction stays usable) on a unique violation. */
    public static boolean insertUnique(Tx tx, PreparedStatement ps) throws SQLException {
        Savepoint sp = tx.connection().setSavepoint();
        try {
            ps.executeUpdate();
            tx.connection().releaseSavepoint(sp);
            return true;
        } catch (SQLException e) {
            if (tx.dialect().isUniqueViolation(e)) {
                tx.connection().rollback(sp);
                return false;
            }
            throw e;
        }
    }

    public static String scopes(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(","));
    }

    public static Set<Scope> scopes(String s) {
        if (s.isEmpty()) {
            return Set.of();
        }
        EnumSet<Scope> out = EnumSet.noneOf(Scope.class);
        for (String p : s.split(",")) {
            out.add(Scope.parse(p));
        }
        return out;
    }
}
