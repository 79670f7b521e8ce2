package org.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ControlFramesTest {

    @Test
    void aCloseFrameCarriesCodeAndReason() {
        byte[] frame = ControlFrames.close(4001, "slow consumer");
        assertThat(frame[0]).isEqualTo((byte) 0x88);
        assertThat(frame[1]).isEqualTo((byte) (2 + 13));
        assertThat(((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF)).isEqualTo(4001);
        assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8)).isEqualTo("slow consumer");
    }

    @Test
    void aLongReasonIsCutAtACharacterBoundaryWithin125Bytes() {
        byte[] frame = ControlFrames.close(1009, "é".repeat(100));
        assertThat(frame[1] & 0xFF).isLessThanOrEqualTo(125);
        assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8)).isEqualTo("é".repeat(61));
    }
}
