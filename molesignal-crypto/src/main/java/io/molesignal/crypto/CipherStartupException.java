package io.molesignal.crypto;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * The cipher root key configuration cannot be used, so the host must not start: {@code MS_CIPHER_KEY} (or
 * {@code MS_CIPHER_KEY_PREVIOUS}) is not base64 or not 32 bytes, or it is not the key the database was sealed with.
 *
 * <p>The message names the variable and the problem, never the value. Code {@link ErrorCode#UNAVAILABLE}.
 */
public final class CipherStartupException extends MoleSignalException {
    private static final long serialVersionUID = 1L;

    /** @param safeMessage names the variable and the problem, never the value */
    public CipherStartupException(String safeMessage) {
        super(ErrorCode.UNAVAILABLE, safeMessage);
    }
}
