package io.molesignal.auth;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;

/**
 * The record of one JWT issued at login, so it can be revoked (logout, password change).
 *
 * @param jti the JWT id
 * @param org the org
 * @param userId the user
 * @param kid the key that signed it
 * @param issuedAt the {@code iat}
 * @param expiresAt the {@code exp}
 * @param revokedAt when it was revoked, or null
 */
public record Session(String jti, OrgId org, String userId, String kid, Instant issuedAt, Instant expiresAt,
                      @Nullable Instant revokedAt) {
    public Session {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
