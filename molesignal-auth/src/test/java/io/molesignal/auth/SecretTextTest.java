package io.molesignal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTextTest {
    @Test
    void toStringIsRedacted() {
        SecretText s = SecretText.of("hunter2-secret");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(s.reveal()).isEqualTo("hunter2-secret");
        assertThat(new StoredUser(new User("u_1", io.molesignal.core.OrgId.of("acme"), "a@b.c",
                io.molesignal.core.Role.VIEWER, false, java.time.Instant.EPOCH), "$argon2id$secret").toString())
                .doesNotContain("secret");
    }
}
