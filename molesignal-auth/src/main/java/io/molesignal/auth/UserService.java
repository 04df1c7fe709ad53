package io.molesignal.auth;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.molesignal.auth.internal.Emails;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Page;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.Outcome;

/**
 * Users of the caller's org ({@code /api/v1/users}). Rules: admins and owners manage users, with a JWT (an API token
 * cannot create a user it could then log in as); a caller grants at most its own role; only an owner touches an
 * owner; the last enabled owner, and the caller itself, cannot be demoted, disabled or deleted
 * ({@link ErrorCode#CONFLICT}); e-mails are unique within an org. A user of another org answers
 * {@link ErrorCode#NOT_FOUND}, exactly like a missing one. Every mutation, denied or failed attempt is audited
 * ({@code user.create}, {@code user.update}, {@code user.delete}). Changes take effect on the user's live tokens
 * at once on this instance and within 30 s on others. Thread-safe.
 */
public final class UserService {
    private final MoleSignalAuth a;

    UserService(MoleSignalAuth auth) {
        this.a = auth;
    }

    /**
     * Creates a user in the caller's org.
     *
     * @param password at least 8 characters, at most 1024 UTF-8 bytes
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} (not admin+, not a JWT, role above the caller's);
     *         {@link ErrorCode#INVALID_INPUT} (e-mail, password); {@link ErrorCode#CONFLICT} (e-mail taken)
     */
    public User create(Principal caller, AuditContext context, String email, SecretText password, Role role) {
        return a.auditLog.mutate(AuditRecord.builder(caller.org(), "user.create", context)
                .outcome(Outcome.SUCCESS, 201).detail("role", role.wireName()), (tx, entry) -> {
            caller.require(Role.ADMIN, Scope.ADMIN).requireJwt();
            if (!caller.role().canGrant(role)) {
                throw new MoleSignalException(ErrorCode.FORBIDDEN, "a caller can grant at most its own role");
            }
            String norm = Emails.normalize(email).orElseThrow(() ->
                    new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid e-mail address"));
            entry.detail("email", norm);
            a.checkNewPassword(password);
            if (a.userStore.findByEmail(tx, caller.org(), norm).isPresent()) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "this e-mail is taken in this org");
            }
            User user = new User(a.newId("u_"), caller.org(), norm, role, false, a.now());
            if (!a.userStore.insert(tx, new StoredUser(user, a.hashNewPassword(password)))) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "this e-mail is taken in this org");
            }
            entry.target(user.id());
            return user;
        });
    }

    /**
     * One user of the caller's org.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} unless admin+; {@link ErrorCode#NOT_FOUND}
     */
    public User get(Principal caller, String id) {
        caller.require(Role.ADMIN, Scope.ADMIN);
        return a.database.inTransaction(tx -> a.userStore.findById(tx, id)).map(StoredUser::user)
                .filter(u -> u.org().equals(caller.org()))
                .orElseThrow(() -> new MoleSignalException(ErrorCode.NOT_FOUND, "no such user"));
    }

    /**
     * Lists the caller's org's users in id order.
     *
     * @param limit 1..1000
     * @param cursor the previous page's {@code nextCursor}, or null
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} unless admin+; {@link ErrorCode#INVALID_INPUT}
     */
    public Page<User> list(Principal caller, int limit, @Nullable String cursor) {
        caller.require(Role.ADMIN, Scope.ADMIN);
        if (limit < 1 || limit > 1000) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "limit must be between 1 and 1000");
        }
        String after = cursor == null ? null : a.cursors.decode(caller.org(), "users", cursor);
        List<User> rows = a.database.inTransaction(tx -> a.userStore.list(tx, caller.org(), after, limit + 1));
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<User> page = rows.subList(0, limit);
        return new Page<>(page, a.cursors.encode(caller.org(), "users", page.get(limit - 1).id()));
    }

    /**
     * Changes a user's role and/or disabled flag.
     *
     * @param role the new role, or null to keep it
     * @param disabled the new flag, or null to keep it
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN}, {@link ErrorCode#NOT_FOUND},
     *         {@link ErrorCode#CONFLICT} (last owner, oneself) as described on the class
     */
    public User update(Principal caller, AuditContext context, String id, @Nullable Role role,
                       @Nullable Boolean disabled) {
        return a.auditLog.mutate(AuditRecord.builder(caller.org(), "user.update", context).target(id),
                (tx, entry) -> {
            caller.require(Role.ADMIN, Scope.ADMIN).requireJwt();
            // Owners first, in id order, then the target: concurrent owner changes serialise without deadlock.
            int owners = a.userStore.lockEnabledOwners(tx, caller.org());
            StoredUser target = a.userStore.lockById(tx, id).filter(u -> u.user().org().equals(caller.org()))
                    .orElseThrow(() -> new MoleSignalException(ErrorCode.NOT_FOUND, "no such user"));
            User t = target.user();
            if (!caller.role().canManage(t.role())) {
                throw new MoleSignalException(ErrorCode.FORBIDDEN, "only an owner can change an owner");
            }
            if (role != null && !caller.role().canGrant(role)) {
                throw new MoleSignalException(ErrorCode.FORBIDDEN, "a caller can grant at most its own role");
            }
            Role newRole = role == null ? t.role() : role;
            boolean newDisabled = disabled == null ? t.disabled() : disabled;
            boolean demotes = newRole.compareTo(t.role()) < 0;
            boolean disables = newDisabled && !t.disabled();
            if (t.id().equals(caller.subject()) && (demotes || disables)) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "you cannot demote or disable yourself");
            }
            if (t.role() == Role.OWNER && !t.disabled() && (demotes || disables) && owners <= 1) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "the last owner cannot be demoted or disabled");
            }
            a.userStore.update(tx, id, newRole, newDisabled);
            entry.detail("role", newRole.wireName()).detail("previous_role", t.role().wireName())
                    .detail("disabled", newDisabled);
            tx.afterCommit(() -> a.authenticator().forgetUser(id));
            return new User(t.id(), t.org(), t.email(), newRole, newDisabled, t.createdAt());
        });
    }

    /**
     * Deletes a user; their sessions and API tokens are revoked in the same transaction.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN}, {@link ErrorCode#NOT_FOUND},
     *         {@link ErrorCode#CONFLICT} (last owner, oneself)
     */
    public void delete(Principal caller, AuditContext context, String id) {
        a.auditLog.mutate(AuditRecord.builder(caller.org(), "user.delete", context).target(id)
                .outcome(Outcome.SUCCESS, 204), (tx, entry) -> {
            caller.require(Role.ADMIN, Scope.ADMIN).requireJwt();
            // Owners first, in id order, then the target: concurrent owner changes serialise without deadlock.
            int owners = a.userStore.lockEnabledOwners(tx, caller.org());
            StoredUser target = a.userStore.lockById(tx, id).filter(u -> u.user().org().equals(caller.org()))
                    .orElseThrow(() -> new MoleSignalException(ErrorCode.NOT_FOUND, "no such user"));
            User t = target.user();
            if (!caller.role().canManage(t.role())) {
                throw new MoleSignalException(ErrorCode.FORBIDDEN, "only an owner can delete an owner");
            }
            if (t.id().equals(caller.subject())) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "you cannot delete yourself");
            }
            if (t.role() == Role.OWNER && !t.disabled() && owners <= 1) {
                throw new MoleSignalException(ErrorCode.CONFLICT, "the last owner cannot be deleted");
            }
            a.apiTokenStore.revokeAllOfCreator(tx, id, a.now());
            a.sessionStore.revokeAllOfUser(tx, id, "", a.now());
            a.userStore.delete(tx, id);
            entry.detail("email", t.email()).detail("role", t.role().wireName());
            tx.afterCommit(() -> a.authenticator().forgetUser(id));
            return null;
        });
    }
}
