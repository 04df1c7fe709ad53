package io.molesignal.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import javax.crypto.AEADBadTagException;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;

import io.molesignal.core.OrgId;
import io.molesignal.crypto.CipherException;
import io.molesignal.crypto.CipherFailure;
import io.molesignal.crypto.CipherKeyKind;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CiphertextsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final VersionState GCM = version(CipherKeyKind.AES256_GCM);
    private static final VersionState SIV = version(CipherKeyKind.AES256_SIV);
    private static final byte[] AD = Ciphertexts.associatedData(OrgId.of("acme"), "k", "user.email");
    private static final long MAX_TEXT = Ciphertexts.maxTextChars(1 << 20);

    private static VersionState version(CipherKeyKind kind) {
        try {
            KeysetHandle h = Keysets.generate(kind);
            Instant now = Instant.parse("2026-11-30T10:00:00Z");
            KeyRows.StoredKey row = new KeyRows.StoredKey(OrgId.of("acme"), "k", kind.wireName(), "", "", 1, now,
                    List.of(new KeyRows.StoredVersion(1, h.getAt(0).getId(), "enabled", 0, now)));
            return KeyState.of(row, kind, h, 0).primary();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Test
    void chunkedGcmPathIsByteCompatibleWithTinkBothWays() throws Exception {
        for (int n : new int[] {0, 1, 15, 16, 1000, 16383, 16384, 16385, 16400, 32768, 65536, 100_003, 1 << 20}) {
            byte[] pt = bytes(n);
            byte[] ours = Ciphertexts.chunkedGcmEncrypt(GCM, pt, AD, RANDOM);
            assertThat(ours.length).isEqualTo(n + 33);
            assertThat(Arrays.copyOf(ours, 5)).isEqualTo(GCM.prefix);
            assertThat(GCM.aead.decrypt(ours, AD)).as("Tink opens the chunked output, %d bytes", n).isEqualTo(pt);
            byte[] tinks = GCM.aead.encrypt(pt, AD);
            assertThat(Ciphertexts.chunkedGcmDecrypt(GCM, tinks, AD)).as("chunked opens Tink's, %d bytes", n)
                    .isEqualTo(pt);
            // Through the dispatching entry points as well.
            byte[] payload = Ciphertexts.parse(Ciphertexts.encrypt(CipherKeyKind.AES256_GCM, GCM, pt, AD, RANDOM),
                    CipherKeyKind.AES256_GCM, MAX_TEXT);
            assertThat(Ciphertexts.decrypt(CipherKeyKind.AES256_GCM, GCM, payload, AD)).isEqualTo(pt);
        }
    }

    @Test
    void chunkedGcmDecryptRejectsEveryTamperedRegionAndOtherAssociatedData() throws Exception {
        byte[] pt = bytes(40_000);
        byte[] ct = Ciphertexts.chunkedGcmEncrypt(GCM, pt, AD, RANDOM);
        for (int pos : new int[] {5, 16, 17, 20_000, 39_000, ct.length - 17, ct.length - 16, ct.length - 1}) {
            byte[] bad = ct.clone();
            bad[pos] ^= 0x01;
            assertThatThrownBy(() -> Ciphertexts.chunkedGcmDecrypt(GCM, bad, AD))
                    .isInstanceOf(AEADBadTagException.class);
        }
        byte[] otherAd = Ciphertexts.associatedData(OrgId.of("acme"), "k", "user.name");
        assertThatThrownBy(() -> Ciphertexts.chunkedGcmDecrypt(GCM, ct, otherAd))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> Ciphertexts.chunkedGcmDecrypt(GCM, Arrays.copyOf(ct, ct.length - 1), AD))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void textFormatIsTheDocumentedOne() throws Exception {
        byte[] pt = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        String r = Ciphertexts.encrypt(CipherKeyKind.AES256_GCM, GCM, pt, AD, RANDOM);
        String d = Ciphertexts.encrypt(CipherKeyKind.AES256_SIV, SIV, pt, AD, RANDOM);
        assertThat(r).startsWith("ms1r.").hasSize(135).matches("ms1r\\.[A-Za-z0-9_-]+");
        assertThat(d).startsWith("ms1d.").hasSize(119).matches("ms1d\\.[A-Za-z0-9_-]+");
        byte[] payload = Ciphertexts.parse(r, CipherKeyKind.AES256_GCM, MAX_TEXT);
        assertThat(payload[0]).isEqualTo((byte) 1);
        assertThat(Ciphertexts.keyId(payload)).isEqualTo(GCM.keyId);
        assertThat(payload).hasSize(5 + 12 + 64 + 16);
        assertThat(Ciphertexts.parse(d, CipherKeyKind.AES256_SIV, MAX_TEXT)).hasSize(5 + 16 + 64);
        // The mode must match the key's kind; other versions of the format are refused as such.
        assertThatThrownBy(() -> Ciphertexts.parse(r, CipherKeyKind.AES256_SIV, MAX_TEXT))
                .isInstanceOf(CipherException.class).hasMessageContaining("another kind");
        assertThatThrownBy(() -> Ciphertexts.parse("ms2" + r.substring(3), CipherKeyKind.AES256_GCM, MAX_TEXT))
                .hasMessageContaining("unsupported");
        assertThatThrownBy(() -> Ciphertexts.parse(r + "==", CipherKeyKind.AES256_GCM, MAX_TEXT))
                .isInstanceOf(CipherException.class);
        assertThatThrownBy(() -> Ciphertexts.parse(r, CipherKeyKind.AES256_GCM, 100))
                .isInstanceOf(CipherException.class)
                .satisfies(e -> assertThat(((CipherException) e).failure()).isEqualTo(CipherFailure.NOT_A_CIPHERTEXT));
    }

    @Test
    void maxTextCharsCoversTheLargestValue() throws Exception {
        byte[] pt = bytes(1 << 20);
        String t = Ciphertexts.encrypt(CipherKeyKind.AES256_GCM, GCM, pt, AD, RANDOM);
        assertThat((long) t.length()).isLessThanOrEqualTo(MAX_TEXT);
    }

    /** Any text either is refused as not a ciphertext, or does not authenticate; nothing else happens. */
    @Property(tries = 3000)
    void arbitraryTextNeverDecrypts(@ForAll("texts") String text) {
        for (CipherKeyKind kind : CipherKeyKind.values()) {
            VersionState v = kind == CipherKeyKind.AES256_GCM ? GCM : SIV;
            byte[] payload;
            try {
                payload = Ciphertexts.parse(text, kind, MAX_TEXT);
            } catch (CipherException e) {
                assertThat(e.failure()).isIn(CipherFailure.NOT_A_CIPHERTEXT, CipherFailure.INVALID_INPUT);
                continue;
            }
            assertThatThrownBy(() -> Ciphertexts.decrypt(kind, v, payload, AD))
                    .isInstanceOf(GeneralSecurityException.class);
        }
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> tail = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ")
                .ofMinLength(0).ofMaxLength(200);
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300),
                tail.map(s -> "ms1r." + s),
                tail.map(s -> "ms1d." + s),
                tail.map(s -> "ms1r.AQ" + s));
    }

    /** Changing any single character of a valid ciphertext (to any other character) makes it fail. */
    @Property(tries = 2000)
    void anySingleCharacterChangeFails(@ForAll("edits") int[] edit) throws Exception {
        for (CipherKeyKind kind : CipherKeyKind.values()) {
            VersionState v = kind == CipherKeyKind.AES256_GCM ? GCM : SIV;
            byte[] pt = ("value-" + edit[2]).getBytes(StandardCharsets.UTF_8);
            String text = Ciphertexts.encrypt(kind, v, pt, AD, RANDOM);
            int pos = Math.floorMod(edit[0], text.length());
            char replacement = (char) edit[1];
            if (replacement == text.charAt(pos)) {
                continue;
            }
            String edited = text.substring(0, pos) + replacement + text.substring(pos + 1);
            boolean failed;
            try {
                Ciphertexts.decrypt(kind, v, Ciphertexts.parse(edited, kind, MAX_TEXT), AD);
                failed = false;
            } catch (CipherException | GeneralSecurityException e) {
                failed = true;
            }
            assertThat(failed).as("edit at %d to %s of %s", pos, replacement, text).isTrue();
        }
    }

    @Provide
    Arbitrary<int[]> edits() {
        return Arbitraries.integers().between(0, 1000).array(int[].class).ofSize(3)
                .map(a -> new int[] {a[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.é"
                        .charAt(a[1] % 69), a[2]});
    }

    @Test
    void loneSurrogatesAreDetected() {
        assertThat(CipherEngine.hasLoneSurrogate("a\uD83D\uDE00b")).isFalse();
        assertThat(CipherEngine.hasLoneSurrogate("a\uD83Db")).isTrue();
        assertThat(CipherEngine.hasLoneSurrogate("\uDE00")).isTrue();
        assertThat(CipherEngine.hasLoneSurrogate("x\uD83D")).isTrue();
    }

    @Test
    void toStringsRedactKeys() {
        assertThat(GCM.toString()).contains("REDACTED").doesNotContain("SecretKeySpec");
    }
}
