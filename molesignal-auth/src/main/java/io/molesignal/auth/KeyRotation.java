package io.molesignal.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * The result of a signing-key rotation.
 *
 * @param activeKid the new key, which signs from now on
 * @param retiringKid the previous key, which verifies until {@code retiringUntil}
 * @param retiringUntil the end of the previous key's grace period
 */
public record KeyRotation(String activeKid, String retiringKid, Instant retiringUntil) {
    public KeyRotation {
        Objects.requireNonNull(activeKid, "activeKid");
        Objects.requireNonNull(retiringKid, "retiringKid");
        Objects.requireNonNull(retiringUntil, "retiringUntil");
    }
}
