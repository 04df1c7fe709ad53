package io.molesignal.auth;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * Storage of API tokens, in the caller's transaction. Default: JDBC over {@code ms_auth_api_token}. Lookups by
 * prefix are exact and case-sensitive. Implementations must be thread-safe.
 */
public interface ApiTokenStore {
    /** Inserts a token; false when the prefix is taken. */
    boolean insert(Tx tx, StoredApiToken token) throws SQLException;

    /** The token with this prefix (case-sensitive). */
    Optional<StoredApiToken> findByPrefix(Tx tx, String prefix) throws SQLException;

    /** The token with this id. */
    Optional<StoredApiToken> findById(Tx tx, String id) throws SQLException;

    /** Up to {@code limit} tokens of {@code org} (only {@code createdBy}'s when not null) after {@code afterId}. */
    List<ApiToken> list(Tx tx, OrgId org, @Nullable String createdBy, @Nullable String afterId, int limit)
            throws SQLException;

    /** Revokes a token; false when it does not exist or was already revoked. */
    boolean revoke(Tx tx, String id, Instant at) throws SQLException;

    /** Revokes every unrevoked token minted by a user; returns how many. */
    int revokeAllOfCreator(Tx tx, String userId, Instant at) throws SQLException;

    /** Sets {@code last_used_at} to {@code at} unless it is already later. */
    void touchLastUsed(Tx tx, String id, Instant at) throws SQLException;
}
