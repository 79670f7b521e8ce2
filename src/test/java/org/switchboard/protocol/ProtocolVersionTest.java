package org.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolVersionTest {

    @Test
    void picksV1WhenOfferedAmongOthers() {
        assertThat(ProtocolVersion.negotiate(List.of("switchboard.v9", "switchboard.v1"))).isEqualTo("switchboard.v1");
    }

    @Test
    void noOfferMeansV1() {
        assertThat(ProtocolVersion.negotiate(List.of())).isEqualTo("switchboard.v1");
    }

    @Test
    void onlyUnknownVersionsAreRefused() {
        assertThat(ProtocolVersion.negotiate(List.of("switchboard.v9", "mqtt"))).isNull();
    }

    @Test
    void parsesCommaSeparatedHeader() {
        assertThat(ProtocolVersion.parseHeader(" a , switchboard.v1,,")).containsExactly("a", "switchboard.v1");
        assertThat(ProtocolVersion.parseHeader(null)).isEmpty();
    }
}
