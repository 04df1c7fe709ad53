package io.molesignal.auth.internal;

import java.security.SecureRandom;

/** Base62 ({@code 0-9A-Za-z}): random strings by rejection sampling (no modulo bias) and fixed-width numbers. */
public final class Base62 {
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Base62() {
    }

    /** {@code n} characters, each uniform over the alphabet (bytes ≥ 248 are rejected: 248 = 4 × 62). */
    public static String random(SecureRandom random, int n) {
        StringBuilder sb = new StringBuilder(n);
        byte[] buf = new byte[n + 8];
        while (sb.length() < n) {
            random.nextBytes(buf);
            for (int i = 0; i < buf.length && sb.length() < n; i++) {
                int b = buf[i] & 0xff;
                if (b < 248) {
                    sb.append(ALPHABET.charAt(b % 62));
                }
            }
        }
        return sb.toString();
    }

    /** {@code value} (≥ 0) in exactly {@code width} characters, most significant first. */
    public static String fixed(long value, int width) {
        char[] out = new char[width];
        long v = value;
        for (int i = width - 1; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (v % 62));
            v /= 62;
        }
        return new String(out);
    }

    /** Whether every character of {@code s} in {@code [from, to)} is in the alphabet (ASCII only). */
    public static boolean isBase62(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }
}
