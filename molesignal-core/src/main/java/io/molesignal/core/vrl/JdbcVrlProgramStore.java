package io.molesignal.core.vrl;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * {@link VrlProgramStore} over the table {@code ms_vrl_program} (migration {@code V3__vrl.sql} of core) on H2 and
 * PostgreSQL. A change locks the stream's row ({@code SELECT … FOR UPDATE}), so concurrent changes of one stream get
 * consecutive versions. Stateless and thread-safe.
 */
public final class JdbcVrlProgramStore implements VrlProgramStore {

    @Override
    public Optional<StreamFunction> find(Tx tx, OrgId org, String stream) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT version, source, updated_at FROM ms_vrl_program WHERE org_id = ? AND stream = ? "
                        + "AND deleted = FALSE")) {
            ps.setString(1, org.value());
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StreamFunction(stream, rs.getString(2), rs.getLong(1),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
            }
        }
    }

    @Override
    public StreamFunction put(Tx tx, OrgId org, String stream, String source, String actor, Instant at)
            throws SQLException {
        Optional<Long> current = lockVersion(tx, org, stream);
        long version;
        if (current.isPresent()) {
            version = current.get() + 1;
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "UPDATE ms_vrl_program SET version = ?, source = ?, deleted = FALSE, updated_at = ?, "
                            + "updated_by = ? WHERE org_id = ? AND stream = ?")) {
                ps.setLong(1, version);
                ps.setString(2, source);
                ps.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                ps.setString(4, actor);
                ps.setString(5, org.value());
                ps.setString(6, stream);
                ps.executeUpdate();
            }
        } else {
            version = 1;
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "INSERT INTO ms_vrl_program (org_id, stream, version, source, deleted, updated_at, updated_by) "
                            + "VALUES (?, ?, ?, ?, FALSE, ?, ?)")) {
                ps.setString(1, org.value());
                ps.setString(2, stream);
                ps.setLong(3, version);
                ps.setString(4, source);
                ps.setObject(5, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                ps.setString(6, actor);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (tx.dialect().isUniqueViolation(e)) {
                    throw new MoleSignalException(ErrorCode.CONFLICT, "the stream's function changed concurrently",
                            e);
                }
                throw e;
            }
        }
        return new StreamFunction(stream, source, version, at);
    }

    @Override
    public Optional<Long> delete(Tx tx, OrgId org, String stream, String actor, Instant at) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT version FROM ms_vrl_program WHERE org_id = ? AND stream = ? AND deleted = FALSE "
                        + "FOR UPDATE")) {
            ps.setString(1, org.value());
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long version = rs.getLong(1) + 1;
                try (PreparedStatement up = tx.connection().prepareStatement(
                        "UPDATE ms_vrl_program SET version = ?, source = NULL, deleted = TRUE, updated_at = ?, "
                                + "updated_by = ? WHERE org_id = ? AND stream = ?")) {
                    up.setLong(1, version);
                    up.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                    up.setString(3, actor);
                    up.setString(4, org.value());
                    up.setString(5, stream);
                    up.executeUpdate();
                }
                return Optional.of(version);
            }
        }
    }

    private static Optional<Long> lockVersion(Tx tx, OrgId org, String stream) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT version FROM ms_vrl_program WHERE org_id = ? AND stream = ? FOR UPDATE")) {
            ps.setString(1, org.value());
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
