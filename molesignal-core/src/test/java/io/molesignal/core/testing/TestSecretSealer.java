package io.molesignal.core.testing;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.spi.SecretSealer;

/**
 * A small AES-256-GCM {@link SecretSealer} for module tests (molesignal-crypto provides the real one). Sealed form:
 * {@code t1.<keyId>.<base64url(nonce ‖ ciphertext)>}.
 */
public final class TestSecretSealer implements SecretSealer {
    private final byte[] current;
    private final String currentId;
    private final byte[] previous;
    private final String previousId;
    private final SecureRandom random = new SecureRandom();

    public TestSecretSealer(byte[] current, byte[] previous, String currentId, String previousId) {
        this.current = current.clone();
        this.previous = previous == null ? null : previous.clone();
        this.currentId = currentId;
        this.previousId = previousId;
    }

    /** A sealer with a random current key and no previous one. */
    public static TestSecretSealer random(String id) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new TestSecretSealer(k, null, id, null);
    }

    /** A sealer whose previous key is this one's current key (a root-key rotation). */
    public TestSecretSealer rotate(String newId) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return new TestSecretSealer(k, current, newId, currentId);
    }

    @Override
    public String seal(byte[] secret, byte[] associatedData) {
        try {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(current, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(associatedData);
            byte[] ct = c.doFinal(secret);
            byte[] out = ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array();
            return "t1." + currentId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] open(String sealed, byte[] associatedData) {
        String[] parts = sealed.split("\\.");
        if (parts.length != 3 || !parts[0].equals("t1")) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "not a sealed value");
        }
        byte[] key = parts[1].equals(currentId) ? current : parts[1].equals(previousId) ? previous : null;
        if (key == null) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "sealed under an unknown root key");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(parts[2]);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD(associatedData);
            return c.doFinal(in, 12, in.length - 12);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "sealed value does not open");
        }
    }

    @Override
    public boolean needsReseal(String sealed) {
        return !sealed.startsWith("t1." + currentId + ".");
    }

    @Override
    public String rootKeyFingerprint() {
        return currentId;
    }
}
