package io.molesignal.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.db.Database;
import io.molesignal.core.internal.StoredSecrets;
import io.molesignal.core.spi.SecretSealer;

/**
 * Opaque list cursors bound to one org and one list.
 *
 * <p>A cursor is {@code base64url(position) "." base64url(HMAC-SHA256(key, kind | org | position))[0..16)}
 * (RFC 2104, RFC 4648 §5, no padding). The key is a random 256-bit secret kept in the database (sealed when a
 * {@link SecretSealer} is present), so every instance accepts the cursors of the others. A cursor presented by
 * another org, for another list, or edited in any byte is refused with {@link ErrorCode#INVALID_INPUT}.
 *
 * <p>Immutable and thread-safe.
 */
public final class CursorCodec {
    private static final int TAG_BYTES = 16;
    private static final int MAX_CURSOR_CHARS = 512;

    private final SecretKeySpec key;

    private CursorCodec(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** A codec with a given key (at least 32 bytes), e.g. for tests. */
    public static CursorCodec withKey(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("cursor key must be at least 32 bytes");
        }
        return new CursorCodec(key.clone());
    }

    /**
     * The codec whose key is stored in the database (created on first use). The core migrations must have run.
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} on a database failure
     */
    public static CursorCodec load(Database database, @Nullable SecretSealer sealer, SecureRandom random, Clock clock) {
        return new CursorCodec(StoredSecrets.getOrCreate(database, "cursor", sealer, random, clock));
    }

    /**
     * Encodes a position.
     *
     * @param org the org the cursor is for
     * @param kind the list ({@code audit}, {@code users}…)
     * @param position the position within the list (not secret; at most 256 characters)
     */
    public String encode(OrgId org, String kind, String position) {
        Objects.requireNonNull(org, "org");
        if (position.length() > 256) {
            throw new IllegalArgumentException("position too long");
        }
        byte[] pos = position.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(pos) + "." + b64.encodeToString(tag(org, kind, pos));
    }

    /**
     * Decodes a cursor of {@code org}'s list {@code kind}.
     *
     * @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} for a malformed, edited or foreign cursor
     */
    public String decode(OrgId org, String kind, String cursor) {
        if (cursor == null || cursor.length() > MAX_CURSOR_CHARS) {
            throw invalid();
        }
        int dot = cursor.indexOf('.');
        if (dot <= 0 || dot != cursor.lastIndexOf('.')) {
            throw invalid();
        }
        byte[] pos;
        byte[] tag;
        try {
            Base64.Decoder d = Base64.getUrlDecoder();
            pos = d.decode(cursor.substring(0, dot));
            tag = d.decode(cursor.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        // Re-encoding must give the same text, so no two spellings of one cursor are accepted.
        if (!MessageDigest.isEqual(tag(org, kind, pos), tag) || !encode(org, kind,
                new String(pos, StandardCharsets.UTF_8)).equals(cursor)) {
            throw invalid();
        }
        return new String(pos, StandardCharsets.UTF_8);
    }

    private byte[] tag(OrgId org, String kind, byte[] pos) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((kind + "|" + org.value() + "|").getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(mac.doFinal(pos), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static MoleSignalException invalid() {
        return new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid cursor");
    }
}
