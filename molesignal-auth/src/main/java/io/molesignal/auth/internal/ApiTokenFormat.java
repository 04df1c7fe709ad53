package io.molesignal.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

/**
 * The API token format {@code ms_<prefix>_<secret>}:
 * <ul>
 *   <li>{@code prefix}: 12 base62 characters (≈ 71 bits), random, public, the lookup key;</li>
 *   <li>{@code secret}: 43 random base62 characters (62^43 ≈ 2^256) followed by 6 base62 characters encoding the
 *       CRC-32 (ISO-HDLC, {@link CRC32}) of the ASCII text {@code ms_<prefix>_<43 random characters>}, so typos
 *       and truncations are caught without a database hit (as GitHub's and Grafana's token formats do).</li>
 * </ul>
 * The alphabet has no {@code _}, so a token splits into exactly three parts. Parsing is exact: no trimming,
 * case folding or Unicode normalisation. Total length 65 characters.
 */
public final class ApiTokenFormat {
    public static final String PREFIX = "ms_";
    public static final int PREFIX_CHARS = 12;
    public static final int RANDOM_CHARS = 43;
    public static final int CHECKSUM_CHARS = 6;
    public static final int LENGTH = PREFIX.length() + PREFIX_CHARS + 1 + RANDOM_CHARS + CHECKSUM_CHARS;

    private ApiTokenFormat() {
    }

    /** A parsed token. */
    public record Parts(String prefix, String token) {
        @Override
        public String toString() {
            return "Parts[prefix=" + prefix + ", token=redacted]";
        }
    }

    /** The outcome of {@link #parse}: parts, or which check failed. */
    public enum Failure { MALFORMED, BAD_CHECKSUM }

    /** Mints a new token with fresh randomness. */
    public static Parts generate(SecureRandom random) {
        String prefix = Base62.random(random, PREFIX_CHARS);
        String body = PREFIX + prefix + "_" + Base62.random(random, RANDOM_CHARS);
        return new Parts(prefix, body + checksum(body));
    }

    /**
     * Checks shape, alphabet and checksum.
     *
     * @return the parts, or a {@link Failure}
     */
    public static Object parse(String token) {
        if (token.length() != LENGTH || !token.startsWith(PREFIX)
                || token.charAt(PREFIX.length() + PREFIX_CHARS) != '_'
                || !Base62.isBase62(token, PREFIX.length(), PREFIX.length() + PREFIX_CHARS)
                || !Base62.isBase62(token, PREFIX.length() + PREFIX_CHARS + 1, LENGTH)) {
            return Failure.MALFORMED;
        }
        String body = token.substring(0, LENGTH - CHECKSUM_CHARS);
        if (!checksum(body).equals(token.substring(LENGTH - CHECKSUM_CHARS))) {
            return Failure.BAD_CHECKSUM;
        }
        return new Parts(token.substring(PREFIX.length(), PREFIX.length() + PREFIX_CHARS), token);
    }

    /** Whether a token looks like an API token (for dispatch); {@code null}-safe. */
    public static boolean looksLike(@Nullable String token) {
        return token != null && token.startsWith(PREFIX);
    }

    static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return Base62.fixed(crc.getValue(), CHECKSUM_CHARS);
    }
}
