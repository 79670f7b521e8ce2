package org.switchboard.presence;

import org.junit.jupiter.api.Test;
import org.switchboard.protocol.Member;

import static org.assertj.core.api.Assertions.assertThat;

class LocalPresenceRegistryTest {

    @Test
    void joinLeaveAndList() {
        LocalPresenceRegistry registry = new LocalPresenceRegistry();
        Member bob = new Member("2", "Bob");
        Member alice = new Member("1", "Alice");
        assertThat(registry.join("lobby", bob)).isTrue();
        assertThat(registry.join("lobby", alice)).isTrue();
        assertThat(registry.join("lobby", alice)).isFalse();
        assertThat(registry.members("lobby")).containsExactly(alice, bob);
        assertThat(registry.leave("lobby", alice)).isTrue();
        assertThat(registry.leave("lobby", alice)).isFalse();
        assertThat(registry.members("lobby")).containsExactly(bob);
        registry.leave("lobby", bob);
        assertThat(registry.members("lobby")).isEmpty();
        assertThat(registry.members("nowhere")).isEmpty();
    }
}
