package io.molesignal.crypto.internal;

import java.time.Instant;

import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;

/**
 * One key version, ready to use: its Tink primitive (over a single-key keyset, so each version can be used on its
 * own), and for AES-GCM the JCE key of the chunked large-value path. {@link #toString()} shows no key material.
 */
public final class VersionState {
    final int version;
    final int keyId;
    final boolean enabled;
    final Instant createdAt;
    final @Nullable Aead aead;
    final @Nullable DeterministicAead daead;
    final @Nullable SecretKeySpec gcmKey;
    final byte[] prefix;

    VersionState(int version, int keyId, boolean enabled, Instant createdAt, @Nullable Aead aead,
                 @Nullable DeterministicAead daead, @Nullable SecretKeySpec gcmKey, byte[] prefix) {
        this.version = version;
        this.keyId = keyId;
        this.enabled = enabled;
        this.createdAt = createdAt;
        this.aead = aead;
        this.daead = daead;
        this.gcmKey = gcmKey;
        this.prefix = prefix;
    }

    public int version() {
        return version;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public String toString() {
        return "VersionState[version=" + version + ", keyId=" + Integer.toHexString(keyId) + ", enabled=" + enabled
                + ", key=[REDACTED]]";
    }
}
