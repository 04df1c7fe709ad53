package io.molesignal.core.vrl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.spi.CipherFunctions;

/**
 * A small AES-256-GCM {@link CipherFunctions} for tests: one random key per (org, key name) created on demand for
 * names starting with "k", associated data {@code org|key|field}. molesignal-crypto provides the real one.
 */
final class TestCipher implements CipherFunctions {
    private final Map<String, byte[]> keys = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    private synchronized byte[] key(OrgId org, String name) {
        if (!name.startsWith("k")) {
            throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such key");
        }
        return keys.computeIfAbsent(org.value() + "|" + name, k -> {
            byte[] b = new byte[32];
            random.nextBytes(b);
            return b;
        });
    }

    @Override
    public String encrypt(OrgId org, String keyName, String field, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key(org, keyName), "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(org, keyName, field));
            byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String decrypt(OrgId org, String keyName, String field, String ciphertext) {
        if (ciphertext == null) {
            return null;
        }
        try {
            byte[] all = Base64.getUrlDecoder().decode(ciphertext);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key(org, keyName), "AES"),
                    new GCMParameterSpec(128, all, 0, 12));
            c.updateAAD(aad(org, keyName, field));
            return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new MoleSignalException(ErrorCode.DECRYPT_FAILED, "the value does not decrypt");
        }
    }

    private static byte[] aad(OrgId org, String keyName, String field) {
        return (org.value() + "|" + keyName + "|" + field).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public KeyKind keyKind(OrgId org, String keyName) {
        key(org, keyName);
        return KeyKind.RANDOMIZED;
    }

    @Override
    public List<String> candidateCiphertexts(OrgId org, String keyName, String field, String plaintext) {
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "not deterministic");
    }
}
