package org.switchboard.channel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelNameTest {

    @Test
    void acceptsTheDocumentedAlphabetWithinTheLength() {
        assertThat(ChannelName.isValid("team-a.news:2024_x", 128)).isTrue();
        assertThat(ChannelName.isValid("x".repeat(128), 128)).isTrue();
    }

    @Test
    void rejectsEmptyTooLongAndOtherCharacters() {
        assertThat(ChannelName.isValid("", 128)).isFalse();
        assertThat(ChannelName.isValid(null, 128)).isFalse();
        assertThat(ChannelName.isValid("x".repeat(129), 128)).isFalse();
        assertThat(ChannelName.isValid("a b", 128)).isFalse();
        assertThat(ChannelName.isValid("a/b", 128)).isFalse();
        assertThat(ChannelName.isValid("ünï", 128)).isFalse();
    }

    @Test
    void agreesWithTheDocumentedPatternForEveryCharacter() {
        java.util.regex.Pattern documented = java.util.regex.Pattern.compile(ChannelName.PATTERN_TEXT);
        for (char c = 0; c < 0x3000; c++) {
            String name = "a" + c;
            assertThat(ChannelName.isValid(name, 128)).as("U+%04X", (int) c).isEqualTo(documented.matcher(name).matches());
        }
    }
}
