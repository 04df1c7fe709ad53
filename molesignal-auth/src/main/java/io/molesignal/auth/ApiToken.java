package io.molesignal.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;

/**
 * An API token's metadata; never its secret.
 *
 * @param id the token id ({@code t_} followed by 22 base62 characters)
 * @param org the org it belongs to
 * @param prefix the public prefix (12 base62 characters), shown in lists
 * @param name the caller's label
 * @param role the role it was minted with (capped at its creator's current role when used)
 * @param scopes the scopes it is restricted to; empty = every scope its role allows
 * @param createdBy the id of the user who minted it
 * @param createdAt creation time
 * @param expiresAt expiry (required)
 * @param lastUsedAt the last successful use, written at most once per 5 minutes, or null
 * @param revokedAt when it was revoked, or null
 */
public record ApiToken(String id, OrgId org, String prefix, String name, Role role, Set<Scope> scopes,
                       String createdBy, Instant createdAt, Instant expiresAt, @Nullable Instant lastUsedAt,
                       @Nullable Instant revokedAt) {
    public ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
