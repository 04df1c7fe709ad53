package io.molesignal.crypto;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One version of a named cipher key, as the key-management API shows it (never key material).
 *
 * @param version the version number, 1 for the first, increasing by one per rotation
 * @param status enabled (decrypts) or disabled (decryption fails with {@link CipherFailure#DISABLED_KEY_VERSION})
 * @param createdAt when the version was created
 */
public record CipherKeyVersion(int version, Status status, Instant createdAt) {
    public CipherKeyVersion {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1");
        }
    }

    /** Whether a version may be used. */
    public enum Status {
        ENABLED, DISABLED;

        /** The wire name: {@code enabled} or {@code disabled}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
