package org.switchboard.connection;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionCapTest {

    @Test
    void aConfiguredCapWins() {
        assertThat(ConnectionCap.effectiveCap(500, 20_000)).isEqualTo(500);
        assertThat(ConnectionCap.effectiveCap(50_000, 20_000)).isEqualTo(50_000);
    }

    @Test
    void withoutOneTheOpenFileLimitLessTheReserveIsTheCap() {
        assertThat(ConnectionCap.effectiveCap(0, 20_000)).isEqualTo(19_000);
        assertThat(ConnectionCap.effectiveCap(0, 1_024)).isEqualTo(24);
        assertThat(ConnectionCap.effectiveCap(0, 100)).isEqualTo(1);
    }

    @Test
    void anUnknownOrUnlimitedFileLimitMeansNoCap() {
        assertThat(ConnectionCap.effectiveCap(0, -1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(ConnectionCap.effectiveCap(0, Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }
}
