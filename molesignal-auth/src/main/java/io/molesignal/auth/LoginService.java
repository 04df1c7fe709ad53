package io.molesignal.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.auth.internal.Emails;
import io.molesignal.auth.internal.JwtCodec;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.ActorType;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.org.Org;

/**
 * Login ({@code POST /api/v1/auth/login}), logout and password change.
 *
 * <p><b>Login.</b> The password (at most 1024 UTF-8 bytes) is checked with Argon2id (RFC 9106; OWASP Password
 * Storage Cheat Sheet: m=19 MiB, t=2, p=1). An unknown org or e-mail runs the same hash against a dummy, so it
 * costs the same and is answered the same ({@link ErrorCode#INVALID_CREDENTIALS}). At most a configured number of
 * hashes run at once; a login that cannot get a slot in time gets {@link LoginThrottledException}. Failures are
 * counted per (org, normalised e-mail) and per source address, known or not; over the limit the caller gets
 * {@link LoginThrottledException} with a growing back-off (never a permanent lock-out). Failures and throttling are
 * audited through the coalescing API (in the user's org, or in {@code _meta} for an unknown e-mail), success in the
 * user's org in the same transaction as the session row. A stored hash made with other Argon2 parameters is
 * re-hashed with the current ones at a successful login. The password is never logged or audited.
 *
 * <p>Thread-safe.
 */
public final class LoginService {
    private final MoleSignalAuth a;

    LoginService(MoleSignalAuth auth) {
        this.a = auth;
    }

    /**
     * Logs a user in and issues a JWT.
     *
     * @param org the org name the user belongs to ({@code _meta} for the platform root)
     * @param email the e-mail (normalised: NFKC, lower case)
     * @param password the password
     * @param requestId the request id for the audit entry, or null
     * @param sourceAddress the client address (throttling key and audit), or null
     * @return the token and its metadata
     * @throws MoleSignalException {@link ErrorCode#INVALID_CREDENTIALS} (401) for any wrong org, e-mail, password,
     *         disabled user or disabled org; {@link ErrorCode#INVALID_INPUT} for a password over the length cap;
     *         {@link LoginThrottledException} (429) when throttled; {@link ErrorCode#UNAVAILABLE} on a database failure
     */
    public LoginResult login(String org, String email, SecretText password, @Nullable String requestId,
                             @Nullable String sourceAddress) {
        if (password.utf8Bytes() > a.maxPasswordBytes) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "password longer than " + a.maxPasswordBytes
                    + " bytes");
        }
        Optional<String> normEmail = Emails.normalize(email);
        String emailKey = normEmail.orElse(truncate(email.toLowerCase(Locale.ROOT), 254));
        Optional<OrgId> orgId = parseOrg(org);
        String accountKey = truncate(org, 64) + "|" + emailKey;
        String source = sourceAddress == null ? null : truncate(sourceAddress, 64);
        Optional<StoredUser> user = normEmail.isEmpty() || orgId.isEmpty() ? Optional.empty()
                : a.database.inTransaction(tx -> a.userStore.findByEmail(tx, orgId.get(), normEmail.get()));
        OrgId auditOrg = user.map(u -> u.user().org()).orElse(OrgId.META);
        AuditContext failureCtx = new AuditContext(new Actor(ActorType.USER, user.map(u -> u.user().id()).orElse("-"),
                truncate(emailKey, 320)), requestId, source);

        Optional<Duration> blocked = blockedFor(accountKey, source);
        if (blocked.isPresent()) {
            a.auditLog.recordRejection(AuditRecord.builder(auditOrg, "auth.login", failureCtx)
                    .target(truncate("throttled:" + emailKey, 512)).outcome(Outcome.DENIED, 429)
                    .detail("reason", "throttled").build());
            throw new LoginThrottledException(blocked.get());
        }
        boolean ok;
        a.acquireHashPermit();
        try {
            ok = user.isPresent() ? a.hasher.verify(password.reveal(), user.get().passwordHash())
                    : a.hasher.verifyDummy(password.reveal());
        } finally {
            a.hashPermits.release();
        }
        if (ok) {
            User u = user.get().user();
            Optional<Org> o = a.database.inTransaction(tx -> a.orgStore.find(tx, u.org()));
            ok = !u.disabled() && o.isPresent() && !o.get().disabled();
        }
        if (!ok) {
            if (a.accountThrottle != null) {
                a.accountThrottle.failure(accountKey);
                if (source != null) {
                    a.sourceThrottle.failure(source);
                }
            }
            a.auditLog.recordRejection(AuditRecord.builder(auditOrg, "auth.login", failureCtx)
                    .target(truncate(emailKey, 512)).outcome(Outcome.FAILURE, 401)
                    .detail("reason", "invalid_credentials").build());
            throw new MoleSignalException(ErrorCode.INVALID_CREDENTIALS, "invalid org, e-mail or password");
        }
        if (a.accountThrottle != null) {
            a.accountThrottle.success(accountKey);
        }
        User u = user.get().user();
        JwtCodec.Minted m = a.jwtCodec.mint(u.org(), u.id(), a.jwtLifetime, a.random);
        AuditContext ctx = new AuditContext(new Actor(ActorType.USER, u.id(), u.email()), requestId, source);
        // Hashes made with older (weaker) parameters are upgraded while the plain password is at hand.
        String rehash = a.hasher.needsRehash(user.get().passwordHash()) ? a.hashNewPassword(password) : null;
        a.database.inTransaction(tx -> {
            if (rehash != null) {
                a.userStore.setPasswordHash(tx, u.id(), rehash);
            }
            a.sessionStore.insert(tx, new Session(m.jti(), u.org(), u.id(), m.kid(), m.issuedAt(), m.expiresAt(),
                    null));
            a.auditLog.append(tx, AuditRecord.builder(u.org(), "auth.login", ctx).target(u.id())
                    .detail("email", u.email()).build());
            return null;
        });
        return new LoginResult(SecretText.of(m.token()), m.expiresAt(), u.org(), u.role(), u.id(), m.jti());
    }

    /**
     * Logs out: the caller's JWT stops working at once on this instance and within the state TTL (30 s) on others.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} for an API token (audited as denied)
     */
    public void logout(Principal caller, AuditContext context) {
        a.auditLog.mutate(AuditRecord.builder(caller.org(), "auth.logout", context).target(caller.subject())
                .outcome(Outcome.SUCCESS, 204), (tx, entry) -> {
            caller.requireJwt();
            a.sessionStore.revoke(tx, caller.credentialId(), a.now());
            tx.afterCommit(() -> a.authenticator().forgetSession(caller.credentialId()));
            return null;
        });
    }

    /**
     * Changes the caller's password; every other JWT of the user stops working (at once here, within 30 s
     * elsewhere); the caller's own JWT keeps working.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} for an API token; {@link ErrorCode#INVALID_CREDENTIALS}
     *         when {@code current} is wrong; {@link ErrorCode#INVALID_INPUT} when {@code next} is shorter than 8
     *         characters or longer than 1024 bytes (all audited)
     */
    public void changePassword(Principal caller, AuditContext context, SecretText current, SecretText next) {
        a.auditLog.mutate(AuditRecord.builder(caller.org(), "auth.password.change", context).target(caller.subject())
                .outcome(Outcome.SUCCESS, 204), (tx, entry) -> {
            caller.requireJwt();
            if (current.utf8Bytes() > a.maxPasswordBytes) {
                throw new MoleSignalException(ErrorCode.INVALID_CREDENTIALS, "the current password is wrong");
            }
            a.checkNewPassword(next);
            StoredUser u = a.userStore.lockById(tx, caller.subject())
                    .filter(s -> s.user().org().equals(caller.org()))
                    .orElseThrow(() -> new MoleSignalException(ErrorCode.UNAUTHENTICATED, "no such user"));
            boolean ok;
            a.acquireHashPermit();
            try {
                ok = a.hasher.verify(current.reveal(), u.passwordHash());
            } finally {
                a.hashPermits.release();
            }
            if (!ok) {
                throw new MoleSignalException(ErrorCode.INVALID_CREDENTIALS, "the current password is wrong");
            }
            a.userStore.setPasswordHash(tx, u.user().id(), a.hashNewPassword(next));
            a.sessionStore.revokeAllOfUser(tx, u.user().id(), caller.credentialId(), a.now());
            tx.afterCommit(() -> a.authenticator().forgetUserSessionsExcept(u.user().id(), caller.credentialId()));
            return null;
        });
    }

    private Optional<Duration> blockedFor(String accountKey, @Nullable String source) {
        if (a.accountThrottle == null) {
            return Optional.empty();
        }
        Optional<Duration> acct = a.accountThrottle.blocked(accountKey);
        Optional<Duration> src = source == null ? Optional.empty() : a.sourceThrottle.blocked(source);
        if (acct.isPresent() && src.isPresent()) {
            return Optional.of(acct.get().compareTo(src.get()) >= 0 ? acct.get() : src.get());
        }
        return acct.isPresent() ? acct : src;
    }

    private static Optional<OrgId> parseOrg(String org) {
        try {
            return Optional.of(OrgId.of(org));
        } catch (MoleSignalException e) {
            return Optional.empty();
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

}
