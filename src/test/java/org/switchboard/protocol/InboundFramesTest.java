package org.switchboard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class InboundFramesTest {

    private static final int LIMIT = 65536;

    /** A client frame: FIN/opcode byte, masked unless told, with a length declared as given. */
    static byte[] frame(int b0, byte[] payload, boolean masked, long declared) {
        return org.switchboard.it.support.RawWebSocket.frame(b0, payload, masked, declared);
    }

    static byte[] text(String s) {
        byte[] p = s.getBytes(StandardCharsets.UTF_8);
        return frame(0x81, p, true, p.length);
    }

    private static int feed(InboundFrames frames, byte[] bytes) {
        return frames.inspect(bytes, 0, bytes.length, 1);
    }

    @Test
    void wellFormedFramesPassWholeEvenOneByteAtATime() {
        InboundFrames whole = new InboundFrames(LIMIT);
        byte[] ok = concat(text("a"), frame(0x8A, new byte[0], true, 0), frame(0x82, new byte[300], true, 300));
        assertThat(feed(whole, ok)).isEqualTo(ok.length);
        assertThat(whole.violation()).isNull();
        assertThat(whole.incompleteSinceNanos()).isZero();

        InboundFrames bytewise = new InboundFrames(LIMIT);
        for (int i = 0; i < ok.length; i++) {
            assertThat(bytewise.inspect(ok, i, 1, 5)).isEqualTo(1);
        }
        assertThat(bytewise.violation()).isNull();
    }

    @Test
    void anUnmaskedFrameIsAProtocolErrorAndNothingOfItPasses() {
        InboundFrames frames = new InboundFrames(LIMIT);
        byte[] good = text("{}");
        byte[] stream = concat(good, frame(0x81, "{}".getBytes(StandardCharsets.UTF_8), false, 2));
        assertThat(feed(frames, stream)).isEqualTo(good.length);
        assertThat(frames.violation()).isEqualTo(new InboundFrames.Violation(1002, "unmasked client frame"));
        assertThat(feed(frames, good)).as("nothing after a violation").isZero();
    }

    @Test
    void aSixtyFourBitLengthWithTheTopBitSetIsAProtocolError() {
        InboundFrames frames = new InboundFrames(LIMIT);
        assertThat(feed(frames, frame(0x81, new byte[0], true, Long.MIN_VALUE + 5))).isZero();
        assertThat(frames.violation().closeCode()).isEqualTo(1002);
    }

    @ParameterizedTest
    @ValueSource(longs = {65537, 70000, 1L << 62})
    void aDataFrameDeclaredOverTheLimitIsRefusedFromItsHeader(long declared) {
        InboundFrames frames = new InboundFrames(LIMIT);
        byte[] header = frame(0x81, new byte[0], true, declared);
        assertThat(feed(frames, header)).isZero();
        assertThat(frames.violation().closeCode()).isEqualTo(1009);
    }

    @Test
    void exactlyTheLimitPasses() {
        InboundFrames frames = new InboundFrames(LIMIT);
        byte[] full = frame(0x81, new byte[LIMIT], true, LIMIT);
        assertThat(feed(frames, full)).isEqualTo(full.length);
        assertThat(frames.violation()).isNull();
    }

    @Test
    void fragmentsCountTogetherAgainstTheLimit() {
        InboundFrames frames = new InboundFrames(LIMIT);
        byte[] first = frame(0x01, new byte[30000], true, 30000);
        byte[] second = frame(0x00, new byte[30000], true, 30000);
        byte[] third = frame(0x80, new byte[30000], true, 30000);
        assertThat(feed(frames, concat(first, second))).isEqualTo(first.length + second.length);
        assertThat(frames.incompleteSinceNanos()).as("a fragmented message is unfinished").isNotZero();
        assertThat(feed(frames, third)).isZero();
        assertThat(frames.violation().closeCode()).isEqualTo(1009);
    }

    @Test
    void controlFramesMayComeBetweenFragments() {
        InboundFrames frames = new InboundFrames(LIMIT);
        byte[] stream = concat(frame(0x01, new byte[10], true, 10), frame(0x89, new byte[2], true, 2), frame(0x80, new byte[10], true, 10));
        assertThat(feed(frames, stream)).isEqualTo(stream.length);
        assertThat(frames.violation()).isNull();
        assertThat(frames.incompleteSinceNanos()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x83, 0x87, 0x8B, 0x8F, 0xC1, 0xA1, 0x91})
    void reservedOpcodesAndBitsAreProtocolErrors(int b0) {
        InboundFrames frames = new InboundFrames(LIMIT);
        assertThat(feed(frames, frame(b0, new byte[1], true, 1))).isZero();
        assertThat(frames.violation().closeCode()).isEqualTo(1002);
    }

    @Test
    void badControlFramesAndMisplacedContinuationsAreProtocolErrors() {
        byte[][] cases = {
                frame(0x09, new byte[1], true, 1),            // fragmented ping
                frame(0x89, new byte[126], true, 126),        // ping longer than 125
                frame(0x80, new byte[1], true, 1),            // continuation without a message
                concat(frame(0x01, new byte[1], true, 1), frame(0x81, new byte[1], true, 1)), // new message inside one
        };
        for (byte[] bytes : cases) {
            InboundFrames frames = new InboundFrames(LIMIT);
            feed(frames, bytes);
            assertThat(frames.violation()).as(java.util.Arrays.toString(bytes).substring(0, 20)).isNotNull();
            assertThat(frames.violation().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void knowsSinceWhenAFrameIsUnfinished() {
        InboundFrames frames = new InboundFrames(LIMIT);
        byte[] whole = text("{\"type\":\"ping\"}");
        frames.inspect(whole, 0, 5, 100);
        assertThat(frames.incompleteSinceNanos()).isEqualTo(100);
        frames.inspect(whole, 5, 3, 200);
        assertThat(frames.incompleteSinceNanos()).as("still the first moment").isEqualTo(100);
        frames.inspect(whole, 8, whole.length - 8, 300);
        assertThat(frames.incompleteSinceNanos()).isZero();
        frames.inspect(whole, 0, 1, 400);
        assertThat(frames.incompleteSinceNanos()).as("a header byte alone").isEqualTo(400);
    }

    @Test
    void noLimitBelowOne() {
        InboundFrames frames = new InboundFrames(0);
        assertThat(feed(frames, frame(0x81, new byte[0], true, 1L << 40))).isGreaterThan(0);
        assertThat(frames.violation()).isNull();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
