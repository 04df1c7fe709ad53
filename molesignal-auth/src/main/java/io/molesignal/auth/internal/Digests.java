package io.molesignal.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 (FIPS 180-4) with a per-thread {@link MessageDigest}, and constant-time comparison. */
public final class Digests {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java SE specification", e);
        }
    });

    private Digests() {
    }

    /** SHA-256 of the ASCII bytes of {@code text}. */
    public static byte[] sha256(String text) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(text.getBytes(StandardCharsets.US_ASCII));
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    public static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** Constant-time equality ({@link MessageDigest#isEqual}). */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
