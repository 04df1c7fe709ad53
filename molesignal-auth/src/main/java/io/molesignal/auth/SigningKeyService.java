package io.molesignal.auth;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditRecord;

/**
 * Rotation of the caller's org's JWT signing key ({@code POST /api/v1/auth/jwt/rotate}), in the manner of
 * Keycloak's active/passive realm keys: the new key signs from now on; the previous one keeps verifying until its
 * own deadline ({@code now + grace}, 0..24 h, default 24 h; 0 cuts a compromised key off at once). A later rotation
 * does not move an earlier key's deadline. Other instances load a new key on the first token with its kid and
 * notice a retirement within 30 s. Owner with a JWT only; audited as {@code auth.jwt.rotate} (kids only).
 * Thread-safe.
 */
public final class SigningKeyService {
    /** The longest (and default) grace period. */
    public static final Duration MAX_GRACE = Duration.ofHours(24);

    private final MoleSignalAuth a;

    SigningKeyService(MoleSignalAuth auth) {
        this.a = auth;
    }

    /**
     * Rotates the caller's org's key.
     *
     * @param grace 0..24 h, or null for 24 h
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} unless an owner with a JWT;
     *         {@link ErrorCode#INVALID_INPUT} for a grace outside 0..24 h; {@link ErrorCode#CONFLICT} when a
     *         concurrent rotation won
     */
    public KeyRotation rotate(Principal caller, AuditContext context, @Nullable Duration grace) {
        Duration g = grace == null ? MAX_GRACE : grace;
        return a.auditLog.mutate(AuditRecord.builder(caller.org(), "auth.jwt.rotate", context), (tx, entry) -> {
            caller.require(Role.OWNER, Scope.ADMIN).requireJwt();
            if (g.isNegative() || g.compareTo(MAX_GRACE) > 0) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "grace_seconds must be between 0 and 86400");
            }
            KeyRotation r = a.keyRing.rotate(tx, caller.org(), g);
            entry.target(r.activeKid()).detail("active_kid", r.activeKid()).detail("retiring_kid", r.retiringKid())
                    .detail("retiring_until", r.retiringUntil().toString()).detail("grace_seconds", g.toSeconds());
            tx.afterCommit(a.keyRing::reload);
            return r;
        });
    }
}
