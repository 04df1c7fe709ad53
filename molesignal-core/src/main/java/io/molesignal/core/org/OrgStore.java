package io.molesignal.core.org;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.db.Tx;

/**
 * Storage of orgs, in the caller's transaction. {@link JdbcOrgStore} implements it for H2 and PostgreSQL; the
 * contract tests of the core test-jar check any implementation. Implementations must be thread-safe.
 */
public interface OrgStore {
    /** Inserts an org; returns false (and changes nothing) when the id is taken, also under a concurrent insert. */
    boolean insert(Tx tx, Org org) throws SQLException;

    /** The org with this id. */
    Optional<Org> find(Tx tx, OrgId id) throws SQLException;

    /** Up to {@code limit} orgs whose id sorts after {@code afterId} (null: from the start), in id order. */
    List<Org> list(Tx tx, @Nullable OrgId afterId, int limit) throws SQLException;

    /** Sets the disabled flag; returns false when there is no such org. */
    boolean setDisabled(Tx tx, OrgId id, boolean disabled) throws SQLException;
}
