package io.molesignal.crypto;

import java.util.Locale;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.spi.CipherFunctions;

/** The kinds of named cipher keys, with their wire names ({@code API.md}). */
public enum CipherKeyKind {
    /**
     * AES-256-GCM with a random 96-bit nonce (NIST SP 800-38D; Tink {@code AES256_GCM}, TINK output prefix): the same
     * plaintext gives different ciphertexts. Each version has an encryption budget (see {@link FieldCipher}).
     */
    AES256_GCM(CipherFunctions.KeyKind.RANDOMIZED),
    /**
     * AES-256-SIV (RFC 5297; Tink {@code AES256_SIV}, TINK output prefix): deterministic, so equality can be searched
     * at the price of revealing which values are equal.
     */
    AES256_SIV(CipherFunctions.KeyKind.DETERMINISTIC);

    private final CipherFunctions.KeyKind spiKind;

    CipherKeyKind(CipherFunctions.KeyKind spiKind) {
        this.spiKind = spiKind;
    }

    /** The wire name: {@code aes256_gcm} or {@code aes256_siv}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind as the core SPI names it. */
    public CipherFunctions.KeyKind spiKind() {
        return spiKind;
    }

    /**
     * Parses a wire name (exactly lower case).
     *
     * @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} for anything else
     */
    public static CipherKeyKind parse(String wireName) {
        for (CipherKeyKind k : values()) {
            if (k.wireName().equals(wireName)) {
                return k;
            }
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "kind must be one of aes256_gcm, aes256_siv");
    }
}
