package org.switchboard.connection;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    @Test
    void allowsABurstOfOneSecondThenRefillsOverTime() {
        long t = 1_000_000_000L;
        RateLimiter limiter = new RateLimiter(10, t);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquire(t)).isTrue();
        }
        assertThat(limiter.tryAcquire(t)).isFalse();
        assertThat(limiter.tryAcquire(t + 100_000_000L)).isTrue();
        assertThat(limiter.tryAcquire(t + 100_000_000L)).isFalse();
    }
}
