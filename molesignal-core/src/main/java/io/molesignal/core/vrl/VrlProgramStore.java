package io.molesignal.core.vrl;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * Storage of stream functions, one current program per (org, stream). Every method works in the caller's
 * transaction (so a change and its audit entry commit together) and only ever touches rows of the org it is given.
 * {@link JdbcVrlProgramStore} is the implementation; a host may bring its own that passes the same contract test.
 */
public interface VrlProgramStore {
    /** The current program of the stream, if one is stored (not deleted). */
    Optional<StreamFunction> find(Tx tx, OrgId org, String stream) throws SQLException;

    /**
     * Stores {@code source} as the stream's program with the next version.
     *
     * @return the stored function
     * @throws io.molesignal.core.MoleSignalException {@code CONFLICT} when a concurrent first write of the same
     *         stream won (the caller may retry)
     */
    StreamFunction put(Tx tx, OrgId org, String stream, String source, String actor, Instant at)
            throws SQLException;

    /**
     * Deletes the stream's program, bumping the version.
     *
     * @return the new (tombstone) version, or empty when no program was stored
     */
    Optional<Long> delete(Tx tx, OrgId org, String stream, String actor, Instant at) throws SQLException;
}
