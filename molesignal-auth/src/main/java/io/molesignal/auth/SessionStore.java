package io.molesignal.auth;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import io.molesignal.core.db.Tx;

/**
 * Storage of login sessions (one per issued JWT), in the caller's transaction. Default: JDBC over
 * {@code ms_auth_session}. Implementations must be thread-safe.
 */
public interface SessionStore {
    /** Inserts a session. */
    void insert(Tx tx, Session session) throws SQLException;

    /** The session with this JWT id. */
    Optional<Session> find(Tx tx, String jti) throws SQLException;

    /** Revokes one session; false when it does not exist or was already revoked. */
    boolean revoke(Tx tx, String jti, Instant at) throws SQLException;

    /** Revokes every unrevoked session of a user except {@code keepJti}; returns how many. */
    int revokeAllOfUser(Tx tx, String userId, String keepJti, Instant at) throws SQLException;

    /** Deletes sessions that expired before {@code before}; returns how many. */
    int deleteExpired(Tx tx, Instant before) throws SQLException;
}
