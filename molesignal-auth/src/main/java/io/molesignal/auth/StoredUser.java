package io.molesignal.auth;

import java.util.Objects;

/**
 * A user row as a {@link UserStore} holds it.
 *
 * @param user the user
 * @param passwordHash the Argon2id hash in PHC string form ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash})
 */
public record StoredUser(User user, String passwordHash) {
    public StoredUser {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }

    @Override
    public String toString() {
        return "StoredUser[user=" + user + ", passwordHash=redacted]";
    }
}
