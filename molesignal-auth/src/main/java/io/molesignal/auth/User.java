package io.molesignal.auth;

import java.time.Instant;
import java.util.Objects;

import io.molesignal.core.OrgId;
import io.molesignal.core.Role;

/**
 * A user: one org, one role. Never carries the password hash.
 *
 * @param id the stable user id ({@code u_} followed by 22 base62 characters)
 * @param org the user's org
 * @param email the normalised e-mail (unique within the org)
 * @param role the role within the org
 * @param disabled whether the user's credentials are refused
 * @param createdAt creation time (microsecond precision)
 */
public record User(String id, OrgId org, String email, Role role, boolean disabled, Instant createdAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
