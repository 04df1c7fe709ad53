package io.molesignal.auth;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.Role;
import io.molesignal.core.db.Tx;

/**
 * Storage of users, always in the caller's transaction. The default implementation is JDBC over
 * {@code ms_auth_user} (H2 and PostgreSQL). Implementations must be thread-safe.
 */
public interface UserStore {
    /** Inserts a user; false (nothing changed) when the e-mail is taken in that org, also under a concurrent insert. */
    boolean insert(Tx tx, StoredUser user) throws SQLException;

    /** The user with this normalised e-mail in {@code org}. */
    Optional<StoredUser> findByEmail(Tx tx, OrgId org, String email) throws SQLException;

    /** The user with this id, whatever its org (callers check the org). */
    Optional<StoredUser> findById(Tx tx, String id) throws SQLException;

    /** Like {@link #findById} but locks the row until the transaction ends. */
    Optional<StoredUser> lockById(Tx tx, String id) throws SQLException;

    /** Locks the enabled owners of {@code org} and returns how many there are. */
    int lockEnabledOwners(Tx tx, OrgId org) throws SQLException;

    /** Up to {@code limit} users of {@code org} whose id sorts after {@code afterId}, in id order. */
    List<User> list(Tx tx, OrgId org, @Nullable String afterId, int limit) throws SQLException;

    /** Sets role and disabled flag; false when there is no such user. */
    boolean update(Tx tx, String id, Role role, boolean disabled) throws SQLException;

    /** Replaces the password hash; false when there is no such user. */
    boolean setPasswordHash(Tx tx, String id, String passwordHash) throws SQLException;

    /** Deletes the user; false when there is no such user. */
    boolean delete(Tx tx, String id) throws SQLException;

    /** Whether {@code org} has at least one owner. */
    boolean hasOwner(Tx tx, OrgId org) throws SQLException;
}
