package io.molesignal.crypto.internal;

import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.spi.SecretSealer;

/**
 * {@link SecretSealer} over the root key. Sealed text: {@code "ms1s." fp "." base64url-nopad(iv ‖ ct ‖ tag)}, where
 * {@code fp} is the 16-hex-digit fingerprint of the root key that sealed it, and the payload is AES-256-GCM
 * (12-byte random IV, 16-byte tag) with associated data {@code lp("ms1-sealed") ‖ lp(associatedData)}, which
 * separates it from keysets sealed under the same root key.
 */
public final class RootKeySealer implements SecretSealer {
    private static final String PREFIX = "ms1s.";
    private static final Pattern FORMAT = Pattern.compile("ms1s\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]{38,}");

    private final RootKeyMaterial current;
    private final @Nullable RootKeyMaterial previous;

    public RootKeySealer(RootKeyMaterial current, @Nullable RootKeyMaterial previous) {
        this.current = Objects.requireNonNull(current, "current");
        this.previous = previous;
    }

    @Override
    public String seal(byte[] secret, byte[] associatedData) {
        try {
            byte[] ct = current.aead().encrypt(secret, ad(associatedData));
            return PREFIX + current.fingerprint() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(ct);
        } catch (GeneralSecurityException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "sealing failed");
        }
    }

    @Override
    public byte[] open(String sealed, byte[] associatedData) {
        if (sealed == null || !FORMAT.matcher(sealed).matches()) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "not a value sealed by MoleSignal's root key");
        }
        String fp = sealed.substring(PREFIX.length(), PREFIX.length() + 16);
        RootKeyMaterial key = RootKeyMaterial.select(fp, current, previous);
        if (key == null) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "the value was sealed under root key " + fp
                    + ", which is neither MS_CIPHER_KEY (" + current.fingerprint() + ") nor MS_CIPHER_KEY_PREVIOUS");
        }
        try {
            String body = sealed.substring(PREFIX.length() + 17);
            byte[] payload = Base64.getUrlDecoder().decode(body);
            if (!Base64.getUrlEncoder().withoutPadding().encodeToString(payload).equals(body)) {
                throw new IllegalArgumentException("not canonical");
            }
            return key.aead().decrypt(payload, ad(associatedData));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE,
                    "a sealed value does not open under root key " + fp + " (altered, or stored elsewhere)");
        }
    }

    @Override
    public boolean needsReseal(String sealed) {
        return !sealed.startsWith(PREFIX + current.fingerprint() + ".");
    }

    @Override
    public String rootKeyFingerprint() {
        return current.fingerprint();
    }

    private static byte[] ad(byte[] associatedData) {
        return Bytes.lengthPrefixed("ms1-sealed", associatedData);
    }

    @Override
    public String toString() {
        return "RootKeySealer[fingerprint=" + current.fingerprint() + "]";
    }

}
