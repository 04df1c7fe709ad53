package io.molesignal.core.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.internal.Micros;

/**
 * The per-org hash chain: {@code hash_n = H(hash_{n-1} ‖ encode(entry_n))}, with {@code hash_0} = 32 zero bytes.
 *
 * <p>{@code H} is SHA-256 (FIPS 180-4) for an unkeyed chain and HMAC-SHA256 (RFC 2104) under the chain key for a
 * keyed one. {@code encode} is the canonical encoding: the ASCII tag {@code MSAUDIT1}, then in this order org, seq
 * (int64), timestamp (int64 epoch microseconds), actor type, actor id, actor name, action, target, outcome, status
 * (int32), request id, source address, details (canonical JSON, keys sorted), count (int64); every string as an
 * int32 byte length followed by its UTF-8 bytes, a null string as length -1; integers big-endian.
 */
final class AuditChain {
    static final String SHA256 = "sha256";
    static final String HMAC_SHA256 = "hmac-sha256";
    static final String GENESIS = HexFormat.of().formatHex(new byte[32]);

    private final @Nullable SecretKeySpec key;

    AuditChain(byte @Nullable [] key) {
        this.key = key == null ? null : new SecretKeySpec(key, "HmacSHA256");
    }

    /** The chain kind new entries get. */
    String kind() {
        return key == null ? SHA256 : HMAC_SHA256;
    }

    boolean keyed() {
        return key != null;
    }

    /** The hash of an entry (its own {@code hash} field ignored) after {@code previousHash}, by {@code kind}. */
    String hash(String kind, String previousHash, AuditEntry e) {
        byte[] prev = HexFormat.of().parseHex(previousHash);
        byte[] body = encode(e);
        try {
            if (SHA256.equals(kind)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(prev);
                return HexFormat.of().formatHex(md.digest(body));
            }
            if (HMAC_SHA256.equals(kind)) {
                if (key == null) {
                    throw new IllegalStateException("keyed chain without key");
                }
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                mac.update(prev);
                return HexFormat.of().formatHex(mac.doFinal(body));
            }
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("SHA-256/HMAC unavailable", ex);
        }
        throw new IllegalArgumentException("unknown chain kind");
    }

    static byte[] encode(AuditEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write("MSAUDIT1".getBytes(StandardCharsets.US_ASCII));
            str(out, e.org().value());
            out.writeLong(e.seq());
            out.writeLong(Micros.of(e.timestamp()));
            str(out, e.actor().type().wireName());
            str(out, e.actor().id());
            str(out, e.actor().name());
            str(out, e.action());
            str(out, e.target());
            str(out, e.outcome().wireName());
            out.writeInt(e.status());
            str(out, e.requestId());
            str(out, e.sourceAddress());
            str(out, AuditJson.encodeDetails(e.details()));
            out.writeLong(e.count());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    private static void str(DataOutputStream out, @Nullable String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
