package io.molesignal.core.vrl;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.spi.CipherFunctions;

/**
 * What a run may use besides the event: the org whose keys {@code encrypt}/{@code decrypt} resolve (taken from the
 * caller's {@link io.molesignal.core.Principal}, never from the event), the cipher, and the clock of {@code now()}.
 *
 * @param org the org of the event
 * @param cipher field encryption, or null when the host has none (then {@code encrypt} fails with a
 *        {@code CIPHER_DISABLED} reason)
 * @param clock wall-clock time for {@code now()}
 */
public record VrlContext(OrgId org, @Nullable CipherFunctions cipher, Clock clock) {
    public VrlContext {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(clock, "clock");
    }

    /** The cipher, if any. */
    public Optional<CipherFunctions> cipherFunctions() {
        return Optional.ofNullable(cipher);
    }
}
