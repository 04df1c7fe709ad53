package io.molesignal.crypto;

import java.util.List;
import java.util.Objects;

/**
 * Metadata of a named cipher key: what {@code API.md}'s cipher-key routes answer with. Never key material.
 *
 * @param name the key name ({@code [A-Za-z0-9_.-]{1,64}}), unique within its org
 * @param kind how it encrypts
 * @param primaryVersion the version new encryptions use
 * @param versions every version, oldest first
 */
public record CipherKeyInfo(String name, CipherKeyKind kind, int primaryVersion, List<CipherKeyVersion> versions) {
    public CipherKeyInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        versions = List.copyOf(versions);
    }
}
