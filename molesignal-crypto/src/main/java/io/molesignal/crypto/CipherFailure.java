package io.molesignal.crypto;

import io.molesignal.core.ErrorCode;

/**
 * Why a {@link FieldCipher} operation failed; carried by {@link CipherException#failure()} so hosts can branch on
 * it without parsing messages. No failure ever carries plaintext or key material.
 */
public enum CipherFailure {
    /** No root key is configured ({@code MS_CIPHER_KEY} unset): {@link ErrorCode#CIPHER_DISABLED}. */
    CIPHER_DISABLED(ErrorCode.CIPHER_DISABLED),
    /** The org has no key of that name (another org's key is not found either): {@link ErrorCode#NOT_FOUND}. */
    UNKNOWN_KEY(ErrorCode.NOT_FOUND),
    /** The ciphertext names a key version that the org's key does not have: {@link ErrorCode#DECRYPT_FAILED}. */
    UNKNOWN_KEY_VERSION(ErrorCode.DECRYPT_FAILED),
    /** The ciphertext's key version is disabled: {@link ErrorCode#DECRYPT_FAILED}. */
    DISABLED_KEY_VERSION(ErrorCode.DECRYPT_FAILED),
    /**
     * The value is not MoleSignal ciphertext text (wrong marker, unknown format version, not canonical base64url,
     * truncated below the minimum, or made by a key of the other kind): {@link ErrorCode#DECRYPT_FAILED}.
     */
    NOT_A_CIPHERTEXT(ErrorCode.DECRYPT_FAILED),
    /**
     * The AEAD tag does not verify: the value was altered or truncated, or it belongs to another org, key or field
     * (deliberately indistinguishable): {@link ErrorCode#DECRYPT_FAILED}.
     */
    AUTHENTICATION_FAILED(ErrorCode.DECRYPT_FAILED),
    /** The plaintext (or ciphertext) is over the size limit, or the input is otherwise invalid: {@link ErrorCode#INVALID_INPUT}. */
    INVALID_INPUT(ErrorCode.INVALID_INPUT),
    /**
     * A stored keyset does not open under the root key (altered, or copied from another org or key):
     * {@link ErrorCode#UNAVAILABLE}.
     */
    KEYSET_INVALID(ErrorCode.UNAVAILABLE);

    private final ErrorCode code;

    CipherFailure(ErrorCode code) {
        this.code = code;
    }

    /** The error code this failure maps to. */
    public ErrorCode code() {
        return code;
    }
}
