package io.molesignal.auth;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;

/**
 * A JWT signing key row.
 *
 * @param kid the key id (22 base62 characters)
 * @param org the org whose tokens it signs and verifies (only those)
 * @param value the 256-bit key: base64 in clear, or a {@link io.molesignal.core.spi.SecretSealer} sealed value
 * @param sealed whether {@code value} is sealed
 * @param createdAt creation time
 * @param notAfter null while active; for a retiring key, the end of its grace period
 */
public record StoredSigningKey(String kid, OrgId org, String value, boolean sealed, Instant createdAt,
                               @Nullable Instant notAfter) {
    public StoredSigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether this is the org's active key. */
    public boolean active() {
        return notAfter == null;
    }

    @Override
    public String toString() {
        return "StoredSigningKey[kid=" + kid + ", org=" + org + ", sealed=" + sealed + ", notAfter=" + notAfter + "]";
    }
}
