package io.molesignal.core.org;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.CursorCodec;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Page;
import io.molesignal.core.Principal;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Tx;
import io.molesignal.core.internal.Micros;

/**
 * The orgs of a deployment: create, get, list, disable. Only the platform root ({@link Principal#isPlatformRoot()})
 * creates, lists and disables orgs; each mutation writes its audit entry ({@code org.create}, {@code org.update}) in
 * the org it changes, in the same transaction; denied attempts are audited in the caller's org.
 *
 * <p>The reserved org {@link OrgId#META} exists from the first start ({@link Builder#build()} creates it; two
 * instances starting at once both succeed).
 *
 * <p>Immutable and thread-safe.
 */
public final class OrgDirectory {
    private final Database database;
    private final OrgStore store;
    private final AuditLog auditLog;
    private final Clock clock;
    private final CursorCodec cursors;

    private OrgDirectory(Builder b) {
        this.database = b.database;
        this.store = b.store;
        this.auditLog = b.auditLog;
        this.clock = b.clock;
        this.cursors = b.cursors;
        ensureMeta();
    }

    /** A builder; the core migrations must have run. */
    public static Builder builder(Database database, AuditLog auditLog, CursorCodec cursors) {
        return new Builder(database, auditLog, cursors);
    }

    private void ensureMeta() {
        database.inTransaction(tx -> {
            if (store.find(tx, OrgId.META).isEmpty()
                    && store.insert(tx, new Org(OrgId.META, false, Micros.truncate(clock.instant())))) {
                auditLog.append(tx, AuditRecord.builder(OrgId.META, "org.create", AuditContext.system("bootstrap"))
                        .target(OrgId.META.value()).outcome(io.molesignal.core.audit.Outcome.SUCCESS, 201).build());
            }
            return null;
        });
    }

    /**
     * Creates an org in the caller's transaction (so a host can create its first owner and signing key with it).
     * The {@code org.create} entry is appended to the new org's log in the same transaction.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} unless the caller is the platform root;
     *         {@link ErrorCode#INVALID_INPUT} for {@code _meta}; {@link ErrorCode#CONFLICT} when the name is taken
     */
    public Org create(Tx tx, Principal caller, AuditContext context, OrgId id) throws java.sql.SQLException {
        caller.requirePlatformRoot();
        if (id.isMeta()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the org name _meta is reserved");
        }
        Org org = new Org(id, false, Micros.truncate(clock.instant()));
        if (!store.insert(tx, org)) {
            throw new MoleSignalException(ErrorCode.CONFLICT, "an org with this name exists");
        }
        auditLog.append(tx, AuditRecord.builder(id, "org.create", context).target(id.value())
                .outcome(io.molesignal.core.audit.Outcome.SUCCESS, 201).build());
        return org;
    }

    /**
     * Creates an org in a transaction of its own; a denied or failed attempt is audited in the caller's org.
     *
     * @throws MoleSignalException as {@link #create(Tx, Principal, AuditContext, OrgId)}, or
     *         {@link ErrorCode#UNAVAILABLE}
     */
    public Org create(Principal caller, AuditContext context, OrgId id) {
        AuditRecord.Builder failure = AuditRecord.builder(caller.org(), "org.create", context).target(id.value());
        try {
            return database.inTransaction(tx -> create(tx, caller, context, id));
        } catch (MoleSignalException e) {
            recordFailure(failure, e);
            throw e;
        }
    }

    /** The org with this id, if any (no permission check: the host's authenticator uses it for every request). */
    public Optional<Org> get(OrgId id) {
        return database.inTransaction(tx -> store.find(tx, id));
    }

    /**
     * Lists orgs in name order.
     *
     * @param limit 1..1000
     * @param cursor the {@code nextCursor} of the previous page, or null
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} unless the caller is the platform root;
     *         {@link ErrorCode#INVALID_INPUT} for a bad limit or cursor
     */
    public Page<Org> list(Principal caller, int limit, @Nullable String cursor) {
        caller.requirePlatformRoot();
        if (limit < 1 || limit > 1000) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "limit must be between 1 and 1000");
        }
        OrgId after = cursor == null ? null : OrgId.of(cursors.decode(caller.org(), "orgs", cursor));
        List<Org> rows = database.inTransaction(tx -> store.list(tx, after, limit + 1));
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<Org> page = rows.subList(0, limit);
        return new Page<>(page, cursors.encode(caller.org(), "orgs", page.get(limit - 1).id().value()));
    }

    /**
     * Disables or re-enables an org; a disabled org's credentials are refused by the authenticator.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} unless the caller is the platform root;
     *         {@link ErrorCode#NOT_FOUND} for an unknown org; {@link ErrorCode#CONFLICT} for {@code _meta}
     */
    public Org setDisabled(Principal caller, AuditContext context, OrgId id, boolean disabled) {
        AuditRecord.Builder entry = AuditRecord.builder(id, "org.update", context).target(id.value())
                .detail("disabled", disabled);
        AuditRecord.Builder failure = AuditRecord.builder(caller.org(), "org.update", context).target(id.value());
        try {
            return database.inTransaction(tx -> {
                caller.requirePlatformRoot();
                if (id.isMeta()) {
                    throw new MoleSignalException(ErrorCode.CONFLICT, "the platform org cannot be disabled");
                }
                if (!store.setDisabled(tx, id, disabled)) {
                    throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such org");
                }
                auditLog.append(tx, entry.build());
                return store.find(tx, id).orElseThrow();
            });
        } catch (MoleSignalException e) {
            recordFailure(failure, e);
            throw e;
        }
    }

    private void recordFailure(AuditRecord.Builder failure, MoleSignalException e) {
        if (e.code() == ErrorCode.UNAVAILABLE) {
            return;
        }
        var outcome = e.code() == ErrorCode.FORBIDDEN ? io.molesignal.core.audit.Outcome.DENIED
                : io.molesignal.core.audit.Outcome.FAILURE;
        try {
            auditLog.record(failure.outcome(outcome, e.httpStatus()).build());
        } catch (MoleSignalException again) {
            e.addSuppressed(again);
        }
    }

    /** Builds an {@link OrgDirectory}. Not thread-safe. */
    public static final class Builder {
        private final Database database;
        private final AuditLog auditLog;
        private final CursorCodec cursors;
        private OrgStore store = new JdbcOrgStore();
        private Clock clock = Clock.systemUTC();

        private Builder(Database database, AuditLog auditLog, CursorCodec cursors) {
            this.database = Objects.requireNonNull(database, "database");
            this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
            this.cursors = Objects.requireNonNull(cursors, "cursors");
        }

        public Builder store(OrgStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the directory and makes sure {@code _meta} exists.
         *
         * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} on a database failure
         */
        public OrgDirectory build() {
            return new OrgDirectory(this);
        }
    }
}
