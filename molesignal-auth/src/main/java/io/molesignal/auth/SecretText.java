package io.molesignal.auth;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A secret string (a password, a JWT, an API token) whose {@link #toString()} is redacted, so it cannot reach a
 * log line, an exception message or an audit entry by accident. {@link #reveal()} is the one explicit way out.
 *
 * <p>Immutable and thread-safe. {@link #equals(Object)} is identity: secrets are never compared as values here.
 */
public final class SecretText {
    private final String value;

    private SecretText(String value) {
        this.value = value;
    }

    /** Wraps a secret. */
    public static SecretText of(String value) {
        return new SecretText(Objects.requireNonNull(value, "value"));
    }

    /** The secret itself; the caller is responsible for where it goes. */
    public String reveal() {
        return value;
    }

    /** The length of the UTF-8 encoding, in bytes. */
    public int utf8Bytes() {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String toString() {
        return "SecretText[redacted]";
    }
}
