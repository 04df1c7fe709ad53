package io.molesignal.crypto;

import io.molesignal.core.MoleSignalException;

/**
 * A {@link FieldCipher} failure: a {@link MoleSignalException} whose code is {@link CipherFailure#code()} and which
 * names the {@link CipherFailure reason}.
 *
 * <p>The message names at most the org, key name, version number and field; never plaintext, ciphertext or key
 * material. No cause is attached (provider messages could carry details an attacker might use as an oracle).
 * Immutable and thread-safe.
 */
public final class CipherException extends MoleSignalException {
    private static final long serialVersionUID = 1L;

    private final CipherFailure failure;

    /**
     * @param failure the reason
     * @param safeMessage a message without plaintext, ciphertext or key material
     */
    public CipherException(CipherFailure failure, String safeMessage) {
        super(failure.code(), safeMessage);
        this.failure = failure;
    }

    /** Why the operation failed. */
    public CipherFailure failure() {
        return failure;
    }
}
