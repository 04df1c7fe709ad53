package io.molesignal.auth;

import java.time.Instant;
import java.util.Objects;

import io.molesignal.core.OrgId;
import io.molesignal.core.Role;

/**
 * A successful login.
 *
 * @param token the JWT (RFC 7519, HS256, {@code typ: at+jwt}); redacted in {@code toString()}
 * @param expiresAt its {@code exp}
 * @param org the org logged into
 * @param role the user's role at login
 * @param userId the user's id
 * @param jti the JWT id (not secret; the credential id of the principal)
 */
public record LoginResult(SecretText token, Instant expiresAt, OrgId org, Role role, String userId, String jti) {
    public LoginResult {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(jti, "jti");
    }
}
