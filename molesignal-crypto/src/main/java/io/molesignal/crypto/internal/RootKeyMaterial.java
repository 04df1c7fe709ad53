package io.molesignal.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;

/**
 * One root key as an AES-256-GCM {@link Aead} (Tink {@code AesGcmJce}, no output prefix, 12-byte IV, 16-byte tag)
 * and its fingerprint. The only class that touches raw root-key bytes (through {@link InsecureSecretKeyAccess}).
 */
public final class RootKeyMaterial {
    private static final byte[] FINGERPRINT_LABEL = "molesignal/cipher-root-key-fingerprint/v1"
            .getBytes(StandardCharsets.US_ASCII);

    private final Aead aead;
    private final String fingerprint;

    private RootKeyMaterial(Aead aead, String fingerprint) {
        this.aead = aead;
        this.fingerprint = fingerprint;
    }

    /**
     * Builds the root AEAD from exactly 32 bytes. The caller clears {@code raw} afterwards.
     *
     * <p>Fingerprint: the first 8 bytes of HMAC-SHA256(root, "molesignal/cipher-root-key-fingerprint/v1") (RFC 2104)
     * as 16 lower-case hex digits: it identifies the key without revealing anything usable about it.
     */
    public static RootKeyMaterial of(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("root key must be 32 bytes");
        }
        try {
            AesGcmParameters p = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12)
                    .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
            AesGcmKey key = AesGcmKey.builder().setParameters(p)
                    .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get())).build();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            byte[] h = mac.doFinal(FINGERPRINT_LABEL);
            String fp = HexFormat.of().formatHex(h, 0, 8);
            return new RootKeyMaterial(AesGcmJce.create(key), fp);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JDK", e);
        }
    }

    /** The root AEAD (thread-safe). */
    public Aead aead() {
        return aead;
    }

    /** 16 lower-case hex digits identifying the key; not secret. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The current key, or the previous one, whose fingerprint is {@code fp}; null when neither. */
    public static @Nullable RootKeyMaterial select(String fp, RootKeyMaterial current,
                                                   @Nullable RootKeyMaterial previous) {
        Objects.requireNonNull(fp, "fp");
        if (current.fingerprint.equals(fp)) {
            return current;
        }
        return previous != null && previous.fingerprint.equals(fp) ? previous : null;
    }

    @Override
    public String toString() {
        return "RootKeyMaterial[fingerprint=" + fingerprint + ", key=[REDACTED]]";
    }
}
