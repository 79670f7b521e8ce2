package org.switchboard.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private final Backoff backoff = Backoff.DEFAULT;

    @Test
    void theCeilingDoublesFromTheBaseUpToTheCap() {
        assertThat(backoff.delayMs(0, () -> 0.999_999)).isEqualTo(499);
        assertThat(backoff.delayMs(1, () -> 0.999_999)).isEqualTo(999);
        assertThat(backoff.delayMs(4, () -> 0.999_999)).isEqualTo(7_999);
        assertThat(backoff.delayMs(5, () -> 0.999_999)).isEqualTo(14_999);
        assertThat(backoff.delayMs(1_000, () -> 0.999_999)).isEqualTo(14_999);
    }

    @Test
    void fullJitterNeverGoesBelowTheMinimum() {
        assertThat(backoff.delayMs(0, () -> 0.0)).isEqualTo(50);
        assertThat(backoff.delayMs(7, () -> 0.0)).isEqualTo(50);
        assertThat(backoff.delayMs(3, () -> 0.5)).isEqualTo(2_000);
    }

    @Test
    void aPromptReconnectComesWithinTheWindow() {
        assertThat(backoff.promptDelayMs(() -> 0.0)).isZero();
        assertThat(backoff.promptDelayMs(() -> 0.999_999)).isEqualTo(999);
    }

    @Test
    void aPositionCoversWhatCameBeforeItInItsEpoch() {
        Position p = new Position(10, 5);
        assertThat(p.covers(10, 5)).isTrue();
        assertThat(p.covers(10, 4)).isTrue();
        assertThat(p.covers(9, 99)).isTrue();
        assertThat(p.covers(10, 6)).isFalse();
        assertThat(p.covers(11, 1)).isFalse();
    }
}
