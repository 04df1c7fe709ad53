package io.molesignal.auth;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.auth.internal.Emails;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Page;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.org.Org;

/**
 * Platform administration of orgs ({@code /api/v1/orgs}), for the platform root only (the owner of {@code _meta}).
 * {@link #create} writes the org, its first owner and its signing key in one transaction, with {@code org.create}
 * and {@code user.create} entries in the new org's audit log; a disabled org's credentials get 401 (at once on
 * this instance, within 30 s on others). Denied or failed attempts are audited in {@code _meta}. Thread-safe.
 */
public final class OrgAdmin {
    private final MoleSignalAuth a;

    OrgAdmin(MoleSignalAuth auth) {
        this.a = auth;
    }

    /**
     * Creates an org with its first owner and signing key.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} unless the platform root;
     *         {@link ErrorCode#INVALID_INPUT} ({@code _meta}, e-mail, password); {@link ErrorCode#CONFLICT} (name taken)
     */
    public Org create(Principal caller, AuditContext context, OrgId id, String ownerEmail, SecretText ownerPassword) {
        try {
            caller.requirePlatformRoot();
            String email = Emails.normalize(ownerEmail).orElseThrow(() ->
                    new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid owner e-mail"));
            a.checkNewPassword(ownerPassword);
            if (id.isMeta()) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the org name _meta is reserved");
            }
            String hash = a.hashNewPassword(ownerPassword);
            return a.database.inTransaction(tx -> {
                Org org = a.orgDirectory.create(tx, caller, context, id);
                User owner = new User(a.newId("u_"), id, email, Role.OWNER, false, a.now());
                if (!a.userStore.insert(tx, new StoredUser(owner, hash))) {
                    throw new MoleSignalException(ErrorCode.CONFLICT, "the owner could not be created");
                }
                a.auditLog.append(tx, AuditRecord.builder(id, "user.create", context).target(owner.id())
                        .detail("email", email).detail("role", "owner").outcome(Outcome.SUCCESS, 201).build());
                a.keyRing.ensureActive(tx, id);
                return org;
            });
        } catch (MoleSignalException e) {
            recordFailure(AuditRecord.builder(caller.org(), "org.create", context).target(id.value()), e);
            throw e;
        }
    }

    /**
     * Disables or re-enables an org.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN}, {@link ErrorCode#NOT_FOUND},
     *         {@link ErrorCode#CONFLICT} ({@code _meta})
     */
    public Org setDisabled(Principal caller, AuditContext context, OrgId id, boolean disabled) {
        Org org = a.orgDirectory.setDisabled(caller, context, id, disabled);
        a.authenticator().forgetOrg(id);
        return org;
    }

    /** Lists orgs (platform root only); see {@link io.molesignal.core.org.OrgDirectory#list}. */
    public Page<Org> list(Principal caller, int limit, @Nullable String cursor) {
        return a.orgDirectory.list(caller, limit, cursor);
    }

    /**
     * One org (platform root only).
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN}, {@link ErrorCode#NOT_FOUND}
     */
    public Org get(Principal caller, OrgId id) {
        caller.requirePlatformRoot();
        Optional<Org> org = a.orgDirectory.get(id);
        return org.orElseThrow(() -> new MoleSignalException(ErrorCode.NOT_FOUND, "no such org"));
    }

    private void recordFailure(AuditRecord.Builder failure, MoleSignalException e) {
        if (e.code() == ErrorCode.UNAVAILABLE) {
            return;
        }
        Outcome outcome = e.code() == ErrorCode.FORBIDDEN ? Outcome.DENIED : Outcome.FAILURE;
        try {
            a.auditLog.record(failure.outcome(outcome, e.httpStatus()).build());
        } catch (MoleSignalException again) {
            e.addSuppressed(again);
        }
    }
}
