package io.molesignal.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

import io.molesignal.core.OrgId;
import io.molesignal.crypto.CipherException;
import io.molesignal.crypto.CipherFailure;
import io.molesignal.crypto.CipherKeyKind;

/**
 * The ciphertext text format and the encryption itself (see {@code FieldCipher} for the byte-by-byte format).
 *
 * <p><b>Large values.</b> JCE's AES-GCM slows down by one to two orders of magnitude when a large buffer goes
 * through one {@code doFinal} (JDK 17 and later; "Clogged pipes", security-dev, October 2022). Values of at least
 * {@link #CHUNKED_THRESHOLD_BYTES} therefore bypass Tink's one-shot {@code AesGcmJce} and use JCE directly in
 * {@link #CHUNK_BYTES} {@code update} calls, producing exactly Tink's wire format ({@code 0x01 ‖ key id ‖ iv ‖ ct ‖
 * tag}). Decryption of such values runs AES-CTR over the ciphertext (the GCM keystream, counter block
 * {@code iv ‖ 00000002}, NIST SP 800-38D §7.2) in chunks, then recomputes the tag by GCM-encrypting the candidate
 * plaintext in chunks with the same IV, and releases the plaintext only when that tag equals the stored one
 * (constant-time comparison); otherwise the buffer is zeroed. Both directions are cross-checked against Tink in
 * the tests.
 */
public final class Ciphertexts {
    /** Values of this many bytes or more use the chunked JCE path (AES-GCM only). */
    public static final int CHUNKED_THRESHOLD_BYTES = 16 * 1024;
    /** The size of each {@code update} of the chunked path. */
    public static final int CHUNK_BYTES = 16 * 1024;

    static final String MARKER = "ms1";
    static final int HEADER_CHARS = 5; // "ms1" mode "."
    private static final int PREFIX_BYTES = 5;
    private static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int SIV_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int[] ALPHABET = new int[128];

    static {
        Arrays.fill(ALPHABET, -1);
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < a.length(); i++) {
            ALPHABET[a.charAt(i)] = i;
        }
    }

    private Ciphertexts() {
    }

    /** The mode character of a kind: {@code r} (random, AES-GCM) or {@code d} (deterministic, AES-SIV). */
    static char mode(CipherKeyKind kind) {
        return kind == CipherKeyKind.AES256_GCM ? 'r' : 'd';
    }

    /** Associated data of a field value: {@code lp("ms1") ‖ lp(org) ‖ lp(keyName) ‖ lp(field)}. */
    public static byte[] associatedData(OrgId org, String keyName, String field) {
        return Bytes.lengthPrefixed(MARKER, org.value(), keyName, field);
    }

    /** The longest text a plaintext of {@code maxPlaintextBytes} encrypts to. */
    public static long maxTextChars(long maxPlaintextBytes) {
        long payload = maxPlaintextBytes + PREFIX_BYTES + IV_BYTES + TAG_BYTES;
        return HEADER_CHARS + (payload * 4 + 2) / 3;
    }

    /** Encrypts with one version; {@code random} is used only by the chunked path (Tink draws its own IVs). */
    static String encrypt(CipherKeyKind kind, VersionState v, byte[] plaintext, byte[] ad, SecureRandom random)
            throws GeneralSecurityException {
        byte[] payload;
        if (kind == CipherKeyKind.AES256_SIV) {
            payload = v.daead.encryptDeterministically(plaintext, ad);
        } else if (plaintext.length >= CHUNKED_THRESHOLD_BYTES) {
            payload = chunkedGcmEncrypt(v, plaintext, ad, random);
        } else {
            payload = v.aead.encrypt(plaintext, ad);
        }
        return text(mode(kind), payload);
    }

    static String text(char mode, byte[] payload) {
        byte[] b = B64.encode(payload);
        byte[] out = new byte[HEADER_CHARS + b.length];
        out[0] = 'm';
        out[1] = 's';
        out[2] = '1';
        out[3] = (byte) mode;
        out[4] = '.';
        System.arraycopy(b, 0, out, HEADER_CHARS, b.length);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /**
     * Parses ciphertext text to Tink's payload bytes.
     *
     * @throws CipherException {@link CipherFailure#NOT_A_CIPHERTEXT} for anything but canonical text of this
     *         format and kind, including text longer than {@code maxTextChars} (longer than any value the size
     *         limit allows could encrypt to)
     */
    static byte[] parse(String text, CipherKeyKind kind, long maxTextChars) {
        int n = text.length();
        if (n > maxTextChars) {
            throw notCiphertext("not a MoleSignal ciphertext (longer than the size limit allows)");
        }
        if (n < HEADER_CHARS + 2 || text.charAt(0) != 'm' || text.charAt(1) != 's') {
            throw notCiphertext("not a MoleSignal ciphertext");
        }
        if (text.charAt(2) != '1') {
            throw notCiphertext("unsupported MoleSignal ciphertext format version");
        }
        char m = text.charAt(3);
        if ((m != 'r' && m != 'd') || text.charAt(4) != '.') {
            throw notCiphertext("not a MoleSignal ciphertext");
        }
        if (m != mode(kind)) {
            throw notCiphertext("the ciphertext was made by a key of another kind");
        }
        int body = n - HEADER_CHARS;
        int rem = body % 4;
        if (rem == 1) {
            throw notCiphertext("not a MoleSignal ciphertext (truncated)");
        }
        // Canonical base64url only: no padding, and zero unused bits in the last character, so every text has one
        // spelling and any changed character changes the bytes.
        char last = text.charAt(n - 1);
        int lastValue = last < 128 ? ALPHABET[last] : -1;
        if (lastValue < 0 || (rem == 2 && (lastValue & 0x0f) != 0) || (rem == 3 && (lastValue & 0x03) != 0)) {
            throw notCiphertext("not a MoleSignal ciphertext (not canonical base64url)");
        }
        byte[] payload;
        try {
            payload = B64D.decode(text.substring(HEADER_CHARS));
        } catch (IllegalArgumentException e) {
            throw notCiphertext("not a MoleSignal ciphertext (not base64url)");
        }
        int min = PREFIX_BYTES + (kind == CipherKeyKind.AES256_GCM ? IV_BYTES + TAG_BYTES : SIV_BYTES);
        if (payload.length < min || payload[0] != 0x01) {
            throw notCiphertext("not a MoleSignal ciphertext (truncated or wrong prefix)");
        }
        return payload;
    }

    /** The Tink key id in a parsed payload (bytes 1..4, big-endian). */
    static int keyId(byte[] payload) {
        return ((payload[1] & 0xff) << 24) | ((payload[2] & 0xff) << 16) | ((payload[3] & 0xff) << 8)
                | (payload[4] & 0xff);
    }

    /** Decrypts a parsed payload with one (enabled) version. */
    static byte[] decrypt(CipherKeyKind kind, VersionState v, byte[] payload, byte[] ad)
            throws GeneralSecurityException {
        if (kind == CipherKeyKind.AES256_SIV) {
            return v.daead.decryptDeterministically(payload, ad);
        }
        if (payload.length - PREFIX_BYTES - IV_BYTES - TAG_BYTES >= CHUNKED_THRESHOLD_BYTES) {
            return chunkedGcmDecrypt(v, payload, ad);
        }
        if (v.gcmKey != null) {
            return gcmDecrypt(v, payload, ad);
        }
        return v.aead.decrypt(payload, ad);
    }

    /** A reusable JCE GCM cipher per thread (re-initialised for every value; {@code Cipher} is not thread-safe). */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
    });

    /**
     * Decrypts a small Tink AES-GCM payload ({@code 0x01 ‖ key id ‖ iv ‖ ciphertext ‖ tag}) with JCE directly: the
     * same bytes and associated data Tink verifies, without its per-call wrapper and copies. JCE checks the tag
     * before returning any plaintext (NIST SP 800-38D).
     */
    static byte[] gcmDecrypt(VersionState v, byte[] payload, byte[] ad) throws GeneralSecurityException {
        // The output prefix (0x01 ‖ key id) must name this version, as Tink's primitive set would require.
        if (!Arrays.equals(payload, 0, PREFIX_BYTES, v.prefix, 0, PREFIX_BYTES)) {
            throw new AEADBadTagException("the output prefix does not name this key version");
        }
        Cipher c = GCM.get();
        c.init(Cipher.DECRYPT_MODE, v.gcmKey, new GCMParameterSpec(TAG_BYTES * 8, payload, PREFIX_BYTES, IV_BYTES));
        c.updateAAD(ad);
        int off = PREFIX_BYTES + IV_BYTES;
        return c.doFinal(payload, off, payload.length - off);
    }

    static byte[] chunkedGcmEncrypt(VersionState v, byte[] pt, byte[] ad, SecureRandom random)
            throws GeneralSecurityException {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, v.gcmKey, new GCMParameterSpec(TAG_BYTES * 8, iv));
        c.updateAAD(ad);
        byte[] out = new byte[PREFIX_BYTES + IV_BYTES + pt.length + TAG_BYTES];
        System.arraycopy(v.prefix, 0, out, 0, PREFIX_BYTES);
        System.arraycopy(iv, 0, out, PREFIX_BYTES, IV_BYTES);
        int off = PREFIX_BYTES + IV_BYTES;
        for (int p = 0; p < pt.length; p += CHUNK_BYTES) {
            off += c.update(pt, p, Math.min(CHUNK_BYTES, pt.length - p), out, off);
        }
        off += c.doFinal(out, off);
        if (off != out.length) {
            throw new GeneralSecurityException("unexpected GCM output length");
        }
        return out;
    }

    static byte[] chunkedGcmDecrypt(VersionState v, byte[] payload, byte[] ad) throws GeneralSecurityException {
        int ctOff = PREFIX_BYTES + IV_BYTES;
        int ctLen = payload.length - ctOff - TAG_BYTES;
        byte[] iv = Arrays.copyOfRange(payload, PREFIX_BYTES, ctOff);
        byte[] counter = Arrays.copyOf(iv, 16);
        counter[15] = 2; // J0 = iv ‖ 0^31 ‖ 1; the first data block uses inc32(J0)
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.DECRYPT_MODE, v.gcmKey, new IvParameterSpec(counter));
        byte[] pt = new byte[ctLen];
        int off = 0;
        for (int p = 0; p < ctLen; p += CHUNK_BYTES) {
            off += ctr.update(payload, ctOff + p, Math.min(CHUNK_BYTES, ctLen - p), pt, off);
        }
        off += ctr.doFinal(pt, off);
        // Recompute the tag over (ad, ciphertext): GCM-encrypting the candidate plaintext with the same key and IV
        // reproduces the ciphertext, and so its tag. The scratch output is discarded.
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, v.gcmKey, new GCMParameterSpec(TAG_BYTES * 8, iv));
        gcm.updateAAD(ad);
        byte[] scratch = new byte[CHUNK_BYTES + TAG_BYTES];
        for (int p = 0; p < ctLen; p += CHUNK_BYTES) {
            gcm.update(pt, p, Math.min(CHUNK_BYTES, ctLen - p), scratch, 0);
        }
        int fin = gcm.doFinal(scratch, 0);
        byte[] tag = Arrays.copyOfRange(scratch, fin - TAG_BYTES, fin);
        byte[] stored = Arrays.copyOfRange(payload, payload.length - TAG_BYTES, payload.length);
        Arrays.fill(scratch, (byte) 0);
        if (off != ctLen || !MessageDigest.isEqual(tag, stored)) {
            Arrays.fill(pt, (byte) 0);
            throw new AEADBadTagException("tag mismatch");
        }
        return pt;
    }

    private static CipherException notCiphertext(String message) {
        return new CipherException(CipherFailure.NOT_A_CIPHERTEXT, message);
    }
}
