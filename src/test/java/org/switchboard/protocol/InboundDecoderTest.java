package org.switchboard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class InboundDecoderTest {

    private final InboundDecoder decoder = new InboundDecoder();

    @Test
    void jsonNestedBeyondTheParsersLimitIsMalformedAndKeepsTheIdReadBeforeIt() {
        for (int depth : new int[]{999, 1000, 100_000}) {
            String nested = "[".repeat(depth) + "]".repeat(depth);
            Inbound inData = decoder.decode("{\"type\":\"publish\",\"id\":\"d1\",\"channel\":\"c\",\"data\":" + nested + "}");
            assertThat(inData).as("depth %d", depth).isInstanceOf(Inbound.Rejected.class);
            assertThat(((Inbound.Rejected) inData).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
            assertThat(((Inbound.Rejected) inData).id()).isEqualTo("d1");
            Inbound inIgnoredField = decoder.decode("{\"id\":\"d2\",\"x\":" + nested + ",\"type\":\"ping\"}");
            assertThat(((Inbound.Rejected) inIgnoredField).id()).isEqualTo("d2");
        }
        String fine = "[".repeat(998) + "]".repeat(998);
        assertThat(decoder.decode("{\"type\":\"publish\",\"id\":\"d3\",\"channel\":\"c\",\"data\":" + fine + "}"))
                .isInstanceOf(Inbound.Request.class);
    }

    @Test
    void decodesPublishWithAllFields() {
        Inbound inbound = decoder.decode("{\"type\":\"publish\",\"id\":\"7\",\"channel\":\"lobby\",\"data\":{\"text\":\"hi\"}}");
        assertThat(inbound).isInstanceOf(Inbound.Request.class);
        ClientRequest request = ((Inbound.Request) inbound).request();
        assertThat(request.type()).isEqualTo(RequestType.PUBLISH);
        assertThat(request.id()).isEqualTo("7");
        assertThat(request.channel()).isEqualTo("lobby");
        assertThat(request.dataJson()).isEqualTo("{\"text\":\"hi\"}");
    }

    @Test
    void pingNeedsNoChannel() {
        assertThat(decoder.decode("{\"type\":\"ping\"}")).isInstanceOf(Inbound.Request.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[1,2]", "\"text\"", "", "{\"type\":\"ping\"} trailing",
            // broken inside data, which the decoder keeps as text: it must still be checked
            "{\"type\":\"publish\",\"channel\":\"x\",\"data\":{\"a\" 1}}",
            "{\"type\":\"publish\",\"channel\":\"x\",\"data\":[1,,2]}",
            "{\"type\":\"publish\",\"channel\":\"x\",\"data\":{\"a\":[1}]}",
            "{\"type\":\"publish\",\"channel\":\"x\",\"data\":{\"a\":1}",
            "{\"type\":\"publish\",\"channel\":\"x\",\"data\":tru}"})
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

    @Test
    void dataIsKeptAsTheClientWroteIt() {
        assertThat(dataOf("{\"type\":\"publish\",\"channel\":\"x\",\"data\" :  {\"t\": 1, \"s\":[1,{\"u\":\"\\u00e9\\\"\"}]} ,\"id\":\"9\"}"))
                .isEqualTo("{\"t\": 1, \"s\":[1,{\"u\":\"\\u00e9\\\"\"}]}");
        assertThat(dataOf("{\"type\":\"publish\",\"channel\":\"x\",\"data\":12.5e3}")).isEqualTo("12.5e3");
        assertThat(dataOf("{\"type\":\"publish\",\"channel\":\"x\",\"data\":\"a,b}\"}")).isEqualTo("\"a,b}\"");
        assertThat(dataOf("{\"type\":\"publish\",\"channel\":\"x\",\"data\":null}")).isEqualTo("null");
        // offsets count chars: text outside the BMP before and inside data
        assertThat(dataOf("{\"z\":\"\uD83D\uDE00\u00fc\",\"type\":\"publish\",\"channel\":\"x\",\"data\":{\"e\":\"\uD83D\uDE00\"}}"))
                .isEqualTo("{\"e\":\"\uD83D\uDE00\"}");
    }

    @Test
    void dataWithLineBreaksIsWrittenCompactly() {
        // the hub separates batched envelopes with newlines, so none may be inside one
        assertThat(dataOf("{\"type\":\"publish\",\"channel\":\"x\",\"data\":{\n  \"a\": [1,\r\n 2],\n  \"b\": \"x y\"\n}}"))
                .isEqualTo("{\"a\":[1,2],\"b\":\"x y\"}");
    }

    @Test
    void onlyTopLevelFieldsCount() {
        Inbound inbound = decoder.decode("{\"data\":{\"type\":\"ping\",\"id\":\"inner\"},\"type\":\"publish\",\"channel\":\"x\",\"id\":\"outer\"}");
        ClientRequest request = ((Inbound.Request) inbound).request();
        assertThat(request.type()).isEqualTo(RequestType.PUBLISH);
        assertThat(request.id()).isEqualTo("outer");
        assertThat(request.dataJson()).isEqualTo("{\"type\":\"ping\",\"id\":\"inner\"}");
    }

    @org.junit.jupiter.api.Test
    void textOverTheLimitInUtf8BytesIsTooLargeNotAReply() {
        assertThat(InboundDecoder.longerThan("x".repeat(100), 100)).isFalse();
        assertThat(InboundDecoder.longerThan("x".repeat(101), 100)).isTrue();
        assertThat(InboundDecoder.longerThan("é".repeat(50), 100)).as("2 bytes each").isFalse();
        assertThat(InboundDecoder.longerThan("é".repeat(51), 100)).isTrue();
        assertThat(InboundDecoder.longerThan("\uD83D\uDE00".repeat(25), 100)).as("4 bytes each").isFalse();
        assertThat(InboundDecoder.longerThan("\uD83D\uDE00".repeat(26), 100)).isTrue();
        assertThat(InboundDecoder.longerThan("€".repeat(34), 100)).as("3 bytes each").isTrue();
        assertThat(InboundDecoder.longerThan("x".repeat(1000), 0)).as("no limit").isFalse();
    }

    @org.junit.jupiter.api.Test
    void anIdAfterNestingPastTheLimitIsStillFound() {
        String deep = "{\"a\":".repeat(1200) + "1" + "}".repeat(1200);
        assertRejected(decoder.decode("{\"type\":\"publish\",\"x\":" + deep + ",\"id\":\"late\",\"channel\":\"c\",\"data\":1}"),
                ErrorCode.MALFORMED_JSON, "late");
        assertRejected(decoder.decode("{\"x\":" + deep + ",\"y\":{\"id\":\"inner\"},\"s\":\"\\\"id\\\":\\\"no\\\"\"}"),
                ErrorCode.MALFORMED_JSON, null);
        assertThat(InboundDecoder.topLevelId("{\"id\" : \"spaced\"}")).isEqualTo("spaced");
        assertThat(InboundDecoder.topLevelId("{\"id\":\"esc\\\"aped\"}")).isNull();
        assertThat(InboundDecoder.topLevelId("{\"id\":12}")).isNull();
        assertThat(InboundDecoder.topLevelId("{\"id\":\"unterminated")).isNull();
    }

    private String dataOf(String frame) {
        Inbound inbound = decoder.decode(frame);
        assertThat(inbound).isInstanceOf(Inbound.Request.class);
        return ((Inbound.Request) inbound).request().dataJson();
    }

    private static void assertRejected(Inbound inbound, ErrorCode code, String id) {
        assertThat(inbound).isInstanceOf(Inbound.Rejected.class);
        Inbound.Rejected rejected = (Inbound.Rejected) inbound;
        assertThat(rejected.code()).isEqualTo(code);
        assertThat(rejected.id()).isEqualTo(id);
        assertThat(rejected.message()).isNotBlank();
    }
}
