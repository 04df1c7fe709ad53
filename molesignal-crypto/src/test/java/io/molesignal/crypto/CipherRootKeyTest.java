package io.molesignal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.testing.LogCapture;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.spi.SecretSealer;

class CipherRootKeyTest {
    private final SecureRandom random = new SecureRandom();
    private final List<String> secrets = new java.util.ArrayList<>();
    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = new LogCapture();
    }

    @AfterEach
    void noSecretInLogs() {
        try {
            for (String line : logs.lines()) {
                for (String s : secrets) {
                    assertThat(line).doesNotContain(s);
                }
            }
        } finally {
            logs.close();
        }
    }

    private String newKey(int bytes) {
        byte[] k = new byte[bytes];
        random.nextBytes(k);
        String b64 = Base64.getEncoder().encodeToString(k);
        secrets.add(b64);
        secrets.add(HexFormat.of().formatHex(k));
        return b64;
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void absentOrBlankMeansNoRootKey() {
        assertThat(CipherRootKey.fromEnvironment(Map.of())).isEmpty();
        assertThat(CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", ""))).isEmpty();
        assertThat(CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", "  \n"))).isEmpty();
    }

    @Test
    void malformedKeysStopStartWithTheVariableAndProblemButNotTheValue() {
        String notBase64 = "this-is-not*base64!" + newKey(8);
        secrets.add(notBase64);
        assertThatThrownBy(() -> CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", notBase64)))
                .isInstanceOf(CipherStartupException.class)
                .hasMessage("MS_CIPHER_KEY is not valid base64")
                .hasNoCause()
                .satisfies(e -> assertThat(((MoleSignalException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        String short16 = newKey(16);
        assertThatThrownBy(() -> CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", short16)))
                .isInstanceOf(CipherStartupException.class)
                .hasMessage("MS_CIPHER_KEY must decode to exactly 32 bytes, got 16");
        String long33 = newKey(33);
        assertThatThrownBy(() -> CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", long33)))
                .hasMessage("MS_CIPHER_KEY must decode to exactly 32 bytes, got 33");
        String good = newKey(32);
        String badPrev = newKey(31);
        assertThatThrownBy(() -> CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", good,
                "MS_CIPHER_KEY_PREVIOUS", badPrev)))
                .isInstanceOf(CipherStartupException.class)
                .hasMessage("MS_CIPHER_KEY_PREVIOUS must decode to exactly 32 bytes, got 31");
        assertThatThrownBy(() -> CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY_PREVIOUS", good)))
                .isInstanceOf(CipherStartupException.class)
                .hasMessageContaining("MS_CIPHER_KEY_PREVIOUS is set but MS_CIPHER_KEY is not");
    }

    @Test
    void standardAndUrlSafeBase64AndWhitespaceAreAccepted() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        raw[0] = (byte) 0xfb; // forces '+' or '/' vs '-' or '_' somewhere near the start
        raw[1] = (byte) 0xff;
        String std = Base64.getEncoder().encodeToString(raw);
        String url = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        secrets.add(std);
        secrets.add(url);
        CipherRootKey a = CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", std + "\n")).orElseThrow();
        CipherRootKey b = CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", url)).orElseThrow();
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).matches("[0-9a-f]{16}");
        assertThat(a.toString()).contains(a.fingerprint()).contains("REDACTED").doesNotContain(std);
        assertThat(a.previousFingerprint()).isEmpty();
    }

    @Test
    void differentKeysHaveDifferentFingerprintsAndThePreviousIsKept() {
        String k1 = newKey(32);
        String k2 = newKey(32);
        CipherRootKey r = CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", k2, "MS_CIPHER_KEY_PREVIOUS", k1))
                .orElseThrow();
        CipherRootKey old = CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", k1)).orElseThrow();
        assertThat(r.fingerprint()).isNotEqualTo(old.fingerprint());
        assertThat(r.previousFingerprint()).contains(old.fingerprint());
        assertThat(logs.lines()).anyMatch(l -> l.contains(r.fingerprint()));
    }

    @Test
    void sealerSealsOpensAndResealsAfterRotation() {
        String k1 = newKey(32);
        String k2 = newKey(32);
        SecretSealer oldSealer = CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", k1)).orElseThrow().sealer();
        SecretSealer rotated = CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", k2, "MS_CIPHER_KEY_PREVIOUS", k1))
                .orElseThrow().sealer();
        SecretSealer newOnly = CipherRootKey.fromEnvironment(env("MS_CIPHER_KEY", k2)).orElseThrow().sealer();
        byte[] secret = "signing-key-bytes".getBytes(StandardCharsets.UTF_8);
        byte[] ad = "auth.signing_key|acme|kid1".getBytes(StandardCharsets.UTF_8);
        String sealed = oldSealer.seal(secret, ad);
        assertThat(sealed).startsWith("ms1s." + oldSealer.rootKeyFingerprint() + ".").matches("[A-Za-z0-9._-]+");
        assertThat(oldSealer.open(sealed, ad)).isEqualTo(secret);
        assertThat(oldSealer.needsReseal(sealed)).isFalse();

        assertThat(rotated.needsReseal(sealed)).isTrue();
        assertThat(rotated.open(sealed, ad)).isEqualTo(secret);
        String resealed = rotated.reseal(sealed, ad);
        assertThat(rotated.needsReseal(resealed)).isFalse();
        assertThat(newOnly.open(resealed, ad)).isEqualTo(secret);

        // The old value without the previous key: refused, naming fingerprints only.
        assertThatThrownBy(() -> newOnly.open(sealed, ad)).isInstanceOf(MoleSignalException.class)
                .hasMessageContaining(oldSealer.rootKeyFingerprint())
                .hasMessageContaining("MS_CIPHER_KEY_PREVIOUS")
                .satisfies(e -> assertThat(((MoleSignalException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        // Other associated data (a row copied elsewhere) or any edited character does not open.
        assertThatThrownBy(() -> oldSealer.open(sealed, "auth.signing_key|beta|kid1".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MoleSignalException.class);
        for (int i = 0; i < sealed.length(); i++) {
            char c = sealed.charAt(i);
            String edited = sealed.substring(0, i) + (c == 'A' ? 'B' : 'A') + sealed.substring(i + 1);
            assertThatThrownBy(() -> oldSealer.open(edited, ad)).isInstanceOf(MoleSignalException.class);
        }
        assertThatThrownBy(() -> oldSealer.open("t1.x.AAAA", ad)).isInstanceOf(MoleSignalException.class);
        assertThat(oldSealer.seal(secret, ad)).isNotEqualTo(sealed);
    }

    @Test
    void ofBytesRejectsWrongLengths() {
        assertThatThrownBy(() -> CipherRootKey.ofBytes(new byte[31], null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CipherRootKey.ofBytes(new byte[32], new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
