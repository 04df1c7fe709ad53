package io.molesignal.auth;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * Storage of per-org JWT signing keys, in the caller's transaction. Default: JDBC over {@code ms_auth_signing_key}.
 * The store guarantees at most one active key per org, also when instances race. Implementations must be
 * thread-safe.
 */
public interface SigningKeyStore {
    /** Inserts an active key; false (nothing changed) when the org already has one, also under a concurrent insert. */
    boolean insertActive(Tx tx, StoredSigningKey key) throws SQLException;

    /** The org's active key, locked until the transaction ends. */
    Optional<StoredSigningKey> lockActive(Tx tx, OrgId org) throws SQLException;

    /** Turns an active key into a retiring one valid until {@code notAfter}; false when it is not active. */
    boolean retire(Tx tx, String kid, Instant notAfter) throws SQLException;

    /** Every key that is active or whose grace ends after {@code now}. */
    List<StoredSigningKey> usable(Tx tx, Instant now) throws SQLException;

    /** Every key, locked (start-up re-sealing). */
    List<StoredSigningKey> lockAll(Tx tx) throws SQLException;

    /** Replaces a key's stored value (sealing or re-sealing). */
    void updateValue(Tx tx, String kid, String value, boolean sealed) throws SQLException;
}
