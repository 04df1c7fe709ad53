package io.molesignal.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.crypto.CipherException;
import io.molesignal.crypto.CipherFailure;
import io.molesignal.crypto.CipherKeyKind;

/** Field encryption over the {@link KeyRing}: input checks, the budget, the format. Thread-safe. */
public final class CipherEngine {
    /** The longest field name, in characters. */
    public static final int MAX_FIELD_CHARS = 256;

    private final KeyRing ring;
    private final SecureRandom random;
    private final long maxPlaintextBytes;
    private final long maxTextChars;

    public CipherEngine(KeyRing ring, SecureRandom random, long maxPlaintextBytes) {
        this.ring = ring;
        this.random = random;
        this.maxPlaintextBytes = maxPlaintextBytes;
        this.maxTextChars = Ciphertexts.maxTextChars(maxPlaintextBytes);
    }

    public KeyRing ring() {
        return ring;
    }

    public String encrypt(OrgId org, String keyName, String field, String plaintext) {
        KeyState st = lookup(org, keyName);
        checkField(field);
        byte[] pt = utf8(plaintext);
        byte[] ad = st.associatedData(field);
        VersionState v = ring.versionForEncryption(st);
        try {
            return Ciphertexts.encrypt(st.kind, v, pt, ad, random);
        } catch (GeneralSecurityException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "encryption failed");
        }
    }

    public String decrypt(OrgId org, String keyName, String field, String ciphertext) {
        KeyState st = lookup(org, keyName);
        checkField(field);
        byte[] payload = Ciphertexts.parse(ciphertext, st.kind, maxTextChars);
        VersionState v = ring.versionFor(st, Ciphertexts.keyId(payload));
        if (v == null) {
            throw new CipherException(CipherFailure.UNKNOWN_KEY_VERSION, "the ciphertext names a version that"
                    + " cipher key " + keyName + " does not have (another org's or another key's ciphertext?)");
        }
        if (!v.enabled) {
            throw new CipherException(CipherFailure.DISABLED_KEY_VERSION, "version " + v.version + " of cipher key "
                    + keyName + " is disabled");
        }
        byte[] pt;
        try {
            pt = Ciphertexts.decrypt(st.kind, v, payload, st.associatedData(field));
        } catch (GeneralSecurityException e) {
            throw new CipherException(CipherFailure.AUTHENTICATION_FAILED, "authentication failed: the value was"
                    + " altered, or it belongs to another org, key or field than " + keyName + "/" + field);
        }
        // Authenticated bytes were produced by encrypt(), which only encrypts well-formed UTF-8.
        return new String(pt, StandardCharsets.UTF_8);
    }

    public CipherKeyKind kind(OrgId org, String keyName) {
        return lookup(org, keyName).kind;
    }

    public List<String> candidates(OrgId org, String keyName, String field, String plaintext) {
        KeyState st = lookup(org, keyName);
        if (st.kind != CipherKeyKind.AES256_SIV) {
            throw new CipherException(CipherFailure.INVALID_INPUT, "cipher key " + keyName
                    + " is not deterministic (aes256_siv), so it has no candidate ciphertexts");
        }
        checkField(field);
        byte[] pt = utf8(plaintext);
        byte[] ad = st.associatedData(field);
        List<String> out = new ArrayList<>(st.versions.size());
        try {
            for (VersionState v : st.versions) {
                if (v.enabled) {
                    out.add(Ciphertexts.encrypt(st.kind, v, pt, ad, random));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "encryption failed");
        }
        return List.copyOf(out);
    }

    private KeyState lookup(OrgId org, String keyName) {
        if (org == null) {
            throw new NullPointerException("org");
        }
        if (!CipherKeyNames.isValid(keyName)) {
            throw KeyRing.unknownKey(String.valueOf(keyName));
        }
        return ring.get(org, keyName);
    }

    private static void checkField(String field) {
        if (field == null) {
            throw new NullPointerException("field");
        }
        if (field.length() > MAX_FIELD_CHARS || hasLoneSurrogate(field)) {
            throw new CipherException(CipherFailure.INVALID_INPUT,
                    "field must be at most 256 characters of well-formed Unicode");
        }
    }

    private byte[] utf8(String plaintext) {
        if (plaintext.length() > maxPlaintextBytes) { // every char is at least one UTF-8 byte
            throw tooLarge();
        }
        if (hasLoneSurrogate(plaintext)) {
            throw new CipherException(CipherFailure.INVALID_INPUT,
                    "the value is not well-formed Unicode (an unpaired surrogate)");
        }
        byte[] b = plaintext.getBytes(StandardCharsets.UTF_8);
        if (b.length > maxPlaintextBytes) {
            throw tooLarge();
        }
        return b;
    }

    private CipherException tooLarge() {
        return new CipherException(CipherFailure.INVALID_INPUT, "the value is over the size limit of "
                + maxPlaintextBytes + " bytes");
    }

    /** Whether {@code s} has a surrogate that is not part of a pair (String.getBytes would turn it into '?'). */
    static boolean hasLoneSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }
}
