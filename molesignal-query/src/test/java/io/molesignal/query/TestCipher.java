package io.molesignal.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.spi.CipherFunctions;

/**
 * A test {@link CipherFunctions}: reversible encoding bound to org, key and field (NOT encryption; the real
 * cipher's test lives in examples). Key {@code dk} is deterministic with two versions, {@code rk} randomized;
 * other names are not found.
 */
final class TestCipher implements CipherFunctions {
    private final AtomicLong nonce = new AtomicLong();

    @Override
    public String encrypt(OrgId org, String keyName, String field, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        kind(keyName);
        String prefix = keyName.equals("dk") ? "v2" : "n" + nonce.incrementAndGet();
        return enc(prefix, org, keyName, field, plaintext);
    }

    private static String enc(String prefix, OrgId org, String keyName, String field, String plaintext) {
        String body = org.value() + "|" + keyName + "|" + field + "|" + plaintext;
        return prefix + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String decrypt(OrgId org, String keyName, String field, String ciphertext) {
        if (ciphertext == null) {
            return null;
        }
        kind(keyName);
        int dot = ciphertext.indexOf('.');
        try {
            String body = new String(Base64.getUrlDecoder().decode(ciphertext.substring(dot + 1)),
                    StandardCharsets.UTF_8);
            String expect = org.value() + "|" + keyName + "|" + field + "|";
            if (dot > 0 && body.startsWith(expect)) {
                return body.substring(expect.length());
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw new MoleSignalException(ErrorCode.DECRYPT_FAILED, "the value does not decrypt with this key and field");
    }

    @Override
    public KeyKind keyKind(OrgId org, String keyName) {
        return kind(keyName);
    }

    private static KeyKind kind(String keyName) {
        return switch (keyName) {
            case "dk" -> KeyKind.DETERMINISTIC;
            case "rk" -> KeyKind.RANDOMIZED;
            default -> throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such key");
        };
    }

    @Override
    public List<String> candidateCiphertexts(OrgId org, String keyName, String field, String plaintext) {
        if (kind(keyName) != KeyKind.DETERMINISTIC) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "not deterministic");
        }
        return List.of(enc("v2", org, keyName, field, plaintext), enc("v1", org, keyName, field, plaintext));
    }
}
