package org.switchboard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class InboundDecoderTest {

    private final InboundDecoder decoder = new InboundDecoder();

    @Test
    void decodesPublishWithAllFields() {
        Inbound inbound = decoder.decode("{\"type\":\"publish\",\"id\":\"7\",\"channel\":\"lobby\",\"data\":{\"text\":\"hi\"}}");
        assertThat(inbound).isInstanceOf(Inbound.Request.class);
        ClientRequest request = ((Inbound.Request) inbound).request();
        assertThat(request.type()).isEqualTo(RequestType.PUBLISH);
        assertThat(request.id()).isEqualTo("7");
        assertThat(request.channel()).isEqualTo("lobby");
        assertThat(request.data().toString()).isEqualTo("{\"text\":\"hi\"}");
    }

    @Test
    void pingNeedsNoChannel() {
        assertThat(decoder.decode("{\"type\":\"ping\"}")).isInstanceOf(Inbound.Request.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[1,2]", "\"text\"", "", "{\"type\":\"ping\"} trailing"})
    void malformedFramesAreRejected(String text) {
        assertRejected(decoder.decode(text), ErrorCode.MALFORMED_JSON, null);
    }

    @Test
    void unknownTypeKeepsTheId() {
        assertRejected(decoder.decode("{\"type\":\"teleport\",\"id\":\"x1\"}"), ErrorCode.UNKNOWN_TYPE, "x1");
    }

    @Test
    void missingOrMistypedFields() {
        assertRejected(decoder.decode("{\"id\":\"a\"}"), ErrorCode.MISSING_FIELD, "a");
        assertRejected(decoder.decode("{\"type\":42,\"id\":\"b\"}"), ErrorCode.MISSING_FIELD, "b");
        assertRejected(decoder.decode("{\"type\":\"subscribe\",\"id\":\"c\"}"), ErrorCode.MISSING_FIELD, "c");
        assertRejected(decoder.decode("{\"type\":\"subscribe\",\"id\":\"d\",\"channel\":5}"), ErrorCode.MISSING_FIELD, "d");
        assertRejected(decoder.decode("{\"type\":\"publish\",\"id\":\"e\",\"channel\":\"x\"}"), ErrorCode.MISSING_FIELD, "e");
    }

    @Test
    void nullDataIsStillData() {
        assertThat(decoder.decode("{\"type\":\"publish\",\"channel\":\"x\",\"data\":null}")).isInstanceOf(Inbound.Request.class);
    }

    private static void assertRejected(Inbound inbound, ErrorCode code, String id) {
        assertThat(inbound).isInstanceOf(Inbound.Rejected.class);
        Inbound.Rejected rejected = (Inbound.Rejected) inbound;
        assertThat(rejected.code()).isEqualTo(code);
        assertThat(rejected.id()).isEqualTo(id);
        assertThat(rejected.message()).isNotBlank();
    }
}
