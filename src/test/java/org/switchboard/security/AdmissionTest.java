package org.switchboard.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {

    @Test
    void theHandshakeBucketAllowsABurstOfTwiceTheRateThenRefillsAtTheRate() {
        AdmissionLimits limits = new AdmissionLimits(5, 0, 0);
        long t = 1_000_000_000L;
        for (int i = 0; i < 10; i++) {
            assertThat(limits.handshake("10.0.0.1", t)).isNull();
        }
        assertThat(limits.handshake("10.0.0.1", t)).isEqualTo(AdmissionLimits.Exceeded.HANDSHAKE_RATE);
        assertThat(limits.handshake("10.0.0.2", t)).as("another address has its own bucket").isNull();
        assertThat(limits.handshake("10.0.0.1", t + 200_000_000L)).as("one token after 1/5 s").isNull();
        assertThat(limits.handshake("10.0.0.1", t + 200_000_000L)).isNotNull();
        assertThat(new AdmissionLimits(0, 0, 0).handshake("x", t)).as("0 = no limit").isNull();
    }

    @Test
    void connectionsAreCountedPerAddressAndSubjectAndReleasedOnClose() {
        AdmissionLimits limits = new AdmissionLimits(0, 3, 2);
        limits.opened("a", "alice");
        limits.opened("a", "alice");
        assertThat(limits.room("a", "alice")).isEqualTo(AdmissionLimits.Exceeded.SUBJECT_CONNECTIONS);
        assertThat(limits.room("a", "bob")).isNull();
        assertThat(limits.room("a", null)).as("anonymous: address only").isNull();
        limits.opened("a", null);
        assertThat(limits.room("a", "bob")).isEqualTo(AdmissionLimits.Exceeded.ADDRESS_CONNECTIONS);
        limits.closed("a", "alice");
        assertThat(limits.room("a", "alice")).isNull();
    }

    @Test
    void theOriginPolicyAllowsTheHubsOwnOriginAndTheListOnly() {
        OriginPolicy own = new OriginPolicy("");
        assertThat(own.allows("http://hub.corp:8080", "http", "hub.corp:8080")).isTrue();
        assertThat(own.allows("HTTP://Hub.Corp:8080/", "http", "hub.corp:8080")).isTrue();
        assertThat(own.allows("https://hub.corp", "https", "hub.corp:443")).as("default port").isTrue();
        assertThat(own.allows("http://hub.corp:8080", "https", "hub.corp:8080")).as("scheme counts").isFalse();
        assertThat(own.allows("http://evil.example", "http", "hub.corp:8080")).isFalse();
        assertThat(own.allows("null", "http", "hub.corp:8080")).isFalse();
        OriginPolicy listed = new OriginPolicy("https://portal.corp, http://localhost:3000");
        assertThat(listed.allows("https://portal.corp", "http", "hub.corp:8080")).isTrue();
        assertThat(listed.allows("http://localhost:3000", "http", "hub.corp:8080")).isTrue();
        assertThat(listed.allows("http://localhost:3001", "http", "hub.corp:8080")).isFalse();
        assertThat(new OriginPolicy("*").allows("http://anything", "http", "hub")).isTrue();
    }

    @Test
    void displayNamesCountCodePointsAndRefuseControlCharacters() {
        assertThat(DisplayNames.valid("  Zoë ")).isEqualTo("Zoë");
        assertThat(DisplayNames.valid("\uD83D\uDE00".repeat(64))).as("64 astral code points").isNotNull();
        assertThat(DisplayNames.valid("x".repeat(65))).isNull();
        assertThat(DisplayNames.valid("a\u0007b")).isNull();
        assertThat(DisplayNames.valid("   ")).isNull();
        assertThat(DisplayNames.valid("\u00a0Zoë\u3000")).as("no-break and ideographic spaces trimmed").isEqualTo("Zoë");
        assertThat(DisplayNames.valid("Zoë\u0007")).as("a trailing control character is refused, not trimmed").isNull();
        assertThat(DisplayNames.valid("Zoë\t")).isNull();
    }
}
