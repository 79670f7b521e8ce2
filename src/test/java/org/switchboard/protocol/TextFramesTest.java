package org.switchboard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class TextFramesTest {

    /** Decodes a server frame as RFC 6455 §5.2 defines it, independently of TextFrames. */
    private static String decode(byte[] frame) {
        assertThat(frame[0]).as("FIN + text opcode").isEqualTo((byte) 0x81);
        assertThat(frame[1] & 0x80).as("server frames are not masked").isZero();
        int code = frame[1] & 0x7F;
        long length;
        int start;
        if (code < 126) {
            length = code;
            start = 2;
        } else if (code == 126) {
            length = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
            start = 4;
            assertThat(length).as("minimal length encoding").isGreaterThanOrEqualTo(126);
        } else {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (frame[i] & 0xFF);
            }
            start = 10;
            assertThat(length).as("minimal length encoding").isGreaterThan(0xFFFF);
        }
        assertThat(frame.length - start).isEqualTo(length);
        return new String(frame, start, (int) length, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 0xFFFF, 0x10000, 200_000})
    void lengthsAtEveryEncodingBoundary(int length) {
        char[] chars = new char[length];
        Arrays.fill(chars, 'x');
        String text = new String(chars);
        byte[] frame = TextFrames.of(text.getBytes(StandardCharsets.UTF_8));
        assertThat(decode(frame)).isEqualTo(text);
        assertThat(TextFrames.payloadText(frame)).isEqualTo(text);
        assertThat(TextFrames.of(out -> out.raw(text))).as("written in place").isEqualTo(frame);
    }

    @Test
    void aMessageWrittenInPlaceIsTheFrameOfItsText() {
        Member from = new Member("c-7", "Zoë \"z\"");
        String data = "{\"text\":\"" + "é✓\uD83D\uDE00".repeat(30) + "\"}";
        String text = JsonText.of(out -> OutboundCodec.writeMessage(out, "room:1", 17, 42, 1700000000123L, from, data));
        byte[] frame = TextFrames.of(out -> OutboundCodec.writeMessage(out, "room:1", 17, 42, 1700000000123L, from, data));
        assertThat(frame).isEqualTo(TextFrames.of(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(decode(frame)).isEqualTo(text);
    }

    @Test
    void joinedEnvelopesAreSeparatedByNewlines() {
        byte[][] parts = {TextFrames.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                TextFrames.of("\"\u00e9\u20ac\"".repeat(40).getBytes(StandardCharsets.UTF_8)), null};
        int length = TextFrames.payloadLength(parts[0]) + 1 + TextFrames.payloadLength(parts[1]);
        byte[] frame = TextFrames.joined(parts, 2, length);
        assertThat(decode(frame)).isEqualTo("{\"a\":1}\n" + "\"\u00e9\u20ac\"".repeat(40));
    }
}
