package io.molesignal.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

/** One test at the production parameters (OWASP: Argon2id, m=19 MiB, t=2, p=1); the rest of the suite uses cheap ones. */
class PasswordHasherTest {
    @Test
    void productionParametersInPhcFormAndDummyVerificationIsCounted() {
        PasswordHasher h = new PasswordHasher(19_456, 2, 1, new SecureRandom());
        String hash = h.hash("correct horse battery staple");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hash).doesNotContain("correct horse");
        assertThat(h.verify("correct horse battery staple", hash)).isTrue();
        assertThat(h.verify("correct horse battery stapl", hash)).isFalse();
        assertThat(h.verify("x", "not a hash")).isFalse();
        long before = h.verifications();
        assertThat(h.verifyDummy("anything")).isFalse();
        assertThat(h.dummyVerifications()).isEqualTo(1);
        assertThat(h.verifications()).isEqualTo(before + 1); // the dummy ran a real verification
        assertThat(h.hash("same")).isNotEqualTo(h.hash("same")); // fresh salt
    }
}
