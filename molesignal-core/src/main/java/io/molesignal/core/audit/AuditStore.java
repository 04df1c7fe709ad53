package io.molesignal.core.audit;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * Storage of audit entries and per-org chain heads. Every method works in the caller's transaction, so an entry
 * commits with the mutation it records. {@link JdbcAuditStore} implements it for H2 and PostgreSQL; a host that
 * brings its own store runs the contract tests of the {@code molesignal-core} test-jar against it.
 *
 * <p>The {@link AuditLog} computes sequence numbers and hashes; a store only persists them, and must:
 * <ul>
 *   <li>make {@link #lockHead} exclusive per org until the transaction ends (for instance {@code SELECT … FOR UPDATE}),
 *       creating a head {@code (0, genesis)} when none exists, also when several transactions race to create it;</li>
 *   <li>return entries exactly as written (the timestamp to the microsecond).</li>
 * </ul>
 * Implementations must be thread-safe.
 */
public interface AuditStore {

    /**
     * The head of an org's chain: the last sequence number and its hash.
     *
     * @param lastSeq the last sequence number written, 0 when none
     * @param lastHash lower-case hex of the last hash, or {@code genesisHash} when none
     */
    record ChainHead(long lastSeq, String lastHash) {
    }

    /** Locks (creating when missing, with {@code lastSeq} 0 and {@code genesisHash}) the org's head until commit. */
    ChainHead lockHead(Tx tx, OrgId org, String genesisHash) throws SQLException;

    /** Inserts an entry and moves the org's head to it; the head is locked by {@link #lockHead} in this transaction. */
    void append(Tx tx, AuditEntry entry) throws SQLException;

    /** The org's head without locking it, if the org has one. */
    Optional<ChainHead> head(Tx tx, OrgId org) throws SQLException;

    /** Streams the org's entries in ascending {@code seq} (whatever their contents). */
    void scan(Tx tx, OrgId org, Consumer<AuditEntry> consumer) throws SQLException;

    /**
     * The org's entries with {@code seq < beforeSeq} matching {@code filter}, newest first, at most {@code limit}.
     */
    List<AuditEntry> query(Tx tx, OrgId org, AuditQuery filter, long beforeSeq, int limit) throws SQLException;
}
