package org.switchboard.security;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DisplayNameIdentityResolverTest {

    private final DisplayNameIdentityResolver resolver = new DisplayNameIdentityResolver();

    @Test
    void trimsTheGivenName() {
        assertThat(resolver.resolve(Map.of("name", List.of("  Alice ")), "c1")).contains(new Identity("Alice", false));
    }

    @Test
    void noNameMeansGuest() {
        assertThat(resolver.resolve(Map.of(), "c1")).contains(new Identity("guest-c1", false));
    }

    @Test
    void refusesEmptyTooLongAndControlCharacters() {
        assertThat(resolver.resolve(Map.of("name", List.of("   ")), "c1")).isEmpty();
        assertThat(resolver.resolve(Map.of("name", List.of("x".repeat(65))), "c1")).isEmpty();
        assertThat(resolver.resolve(Map.of("name", List.of("a\u0007b")), "c1")).isEmpty();
        assertThat(resolver.resolve(Map.of("name", List.of("x".repeat(64))), "c1")).isPresent();
    }
}
