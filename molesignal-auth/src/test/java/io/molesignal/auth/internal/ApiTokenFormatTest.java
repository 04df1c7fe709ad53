package io.molesignal.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class ApiTokenFormatTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedTokensParseAndSplitIntoExactlyThreeParts() {
        for (int i = 0; i < 200; i++) {
            ApiTokenFormat.Parts p = ApiTokenFormat.generate(random);
            assertThat(p.token()).hasSize(ApiTokenFormat.LENGTH).startsWith("ms_" + p.prefix() + "_");
            assertThat(p.token().split("_", -1)).hasSize(3);
            assertThat(ApiTokenFormat.parse(p.token())).isEqualTo(p);
            assertThat(p.toString()).doesNotContain(p.token());
        }
    }

    @Test
    void everySingleCharacterChangeIsCaughtByShapeOrChecksum() {
        String t = ApiTokenFormat.generate(random).token();
        for (int i = 3; i < t.length(); i++) {
            if (i == 15) {
                continue;
            }
            for (char c : Base62.ALPHABET.toCharArray()) {
                if (c == t.charAt(i)) {
                    continue;
                }
                String bad = t.substring(0, i) + c + t.substring(i + 1);
                assertThat(ApiTokenFormat.parse(bad)).as("position %d", i).isEqualTo(ApiTokenFormat.Failure.BAD_CHECKSUM);
            }
        }
    }

    @Test
    void wrongShapesAreMalformed() {
        String t = ApiTokenFormat.generate(random).token();
        for (String bad : new String[] {t.substring(1), t + "a", t.replace("ms_", "MS_"), t.replaceFirst("_", "-"),
                t.substring(0, 20) + "_" + t.substring(21), t.substring(0, 20) + "\u0430" + t.substring(21), ""}) {
            assertThat(ApiTokenFormat.parse(bad)).isEqualTo(ApiTokenFormat.Failure.MALFORMED);
        }
    }

    @Test
    void base62IsUnbiasedEnough() {
        int[] counts = new int[62];
        String s = Base62.random(random, 62 * 2000);
        for (char c : s.toCharArray()) {
            counts[Base62.ALPHABET.indexOf(c)]++;
        }
        for (int n : counts) {
            assertThat(n).isBetween(1600, 2400); // expected 2000, sd ≈ 44
        }
    }
}
