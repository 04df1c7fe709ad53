package io.molesignal.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.molesignal.core.testing.FakeTicker;

class LoginThrottleTest {
    private final FakeTicker ticker = new FakeTicker();
    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(5), Duration.ofMinutes(5),
            Duration.ofMinutes(15), ticker, 1000);

    @Test
    void blocksAfterTheLimitThenDoublesUpToTheCapAndNeverLocksForever() {
        for (int i = 0; i < 4; i++) {
            throttle.failure("a");
            assertThat(throttle.blocked("a")).isEmpty();
        }
        throttle.failure("a");
        assertThat(throttle.blocked("a")).contains(Duration.ofMinutes(5));
        assertThat(throttle.blocked("b")).isEmpty();
        ticker.advance(Duration.ofMinutes(5));
        assertThat(throttle.blocked("a")).isEmpty();
        throttle.failure("a");
        assertThat(throttle.blocked("a")).contains(Duration.ofMinutes(10));
        ticker.advance(Duration.ofMinutes(10));
        throttle.failure("a");
        assertThat(throttle.blocked("a")).contains(Duration.ofMinutes(15));
        ticker.advance(Duration.ofMinutes(15));
        throttle.failure("a");
        assertThat(throttle.blocked("a")).contains(Duration.ofMinutes(15));
        // a quiet window after the block ends starts afresh
        ticker.advance(Duration.ofMinutes(20));
        throttle.failure("a");
        assertThat(throttle.blocked("a")).isEmpty();
    }

    @Test
    void successForgetsTheAccount() {
        for (int i = 0; i < 4; i++) {
            throttle.failure("a");
        }
        throttle.success("a");
        throttle.failure("a");
        assertThat(throttle.blocked("a")).isEmpty();
    }
}
