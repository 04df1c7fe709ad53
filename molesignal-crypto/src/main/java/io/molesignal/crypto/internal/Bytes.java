package io.molesignal.crypto.internal;

import java.nio.charset.StandardCharsets;

/** Length-prefixed encodings used for associated data. */
public final class Bytes {
    private Bytes() {
    }

    /**
     * Concatenates {@code lp(part)} for every part, where {@code lp(s)} is the 4-byte big-endian length of the
     * UTF-8 encoding of {@code s} followed by those bytes, so no two part lists give the same bytes.
     */
    public static byte[] lengthPrefixed(String... parts) {
        byte[][] enc = new byte[parts.length][];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            enc[i] = parts[i].getBytes(StandardCharsets.UTF_8);
            total += 4 + enc[i].length;
        }
        byte[] out = new byte[total];
        int off = 0;
        for (byte[] e : enc) {
            int n = e.length;
            out[off] = (byte) (n >>> 24);
            out[off + 1] = (byte) (n >>> 16);
            out[off + 2] = (byte) (n >>> 8);
            out[off + 3] = (byte) n;
            System.arraycopy(e, 0, out, off + 4, n);
            off += 4 + n;
        }
        return out;
    }

    /** {@code lp(label) ‖ lp(bytes)} for raw bytes. */
    public static byte[] lengthPrefixed(String label, byte[] bytes) {
        byte[] l = lengthPrefixed(label);
        byte[] out = new byte[l.length + 4 + bytes.length];
        System.arraycopy(l, 0, out, 0, l.length);
        int n = bytes.length;
        out[l.length] = (byte) (n >>> 24);
        out[l.length + 1] = (byte) (n >>> 16);
        out[l.length + 2] = (byte) (n >>> 8);
        out[l.length + 3] = (byte) n;
        System.arraycopy(bytes, 0, out, l.length + 4, n);
        return out;
    }
}
