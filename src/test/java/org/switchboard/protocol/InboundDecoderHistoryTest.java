package org.switchboard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol's history fields as the decoder reads them: key, since, after, before, limit. */
class InboundDecoderHistoryTest {

    private final InboundDecoder decoder = new InboundDecoder();

    private ClientRequest request(String frame) {
        Inbound inbound = decoder.decode(frame);
        assertThat(inbound).as(frame).isInstanceOf(Inbound.Request.class);
        return ((Inbound.Request) inbound).request();
    }

    private Inbound.Rejected rejected(String frame) {
        Inbound inbound = decoder.decode(frame);
        assertThat(inbound).as(frame).isInstanceOf(Inbound.Rejected.class);
        return (Inbound.Rejected) inbound;
    }

    @Test
    void aPublicationMayCarryAKey() {
        ClientRequest request = request("{\"type\":\"publish\",\"id\":\"1\",\"channel\":\"room\",\"key\":\"order-17\",\"data\":{\"a\":1}}");
        assertThat(request.type()).isEqualTo(RequestType.PUBLISH);
        assertThat(request.key()).isEqualTo("order-17");
        assertThat(request.dataJson()).isEqualTo("{\"a\":1}");

        assertThat(request("{\"type\":\"publish\",\"channel\":\"room\",\"data\":1}").key()).isNull();
        assertThat(request("{\"type\":\"publish\",\"channel\":\"room\",\"data\":1,\"key\":\"" + "k".repeat(128) + "\"}").key())
                .hasSize(128);
        assertThat(request("{\"type\":\"publish\",\"channel\":\"room\",\"data\":1,\"key\":\"é \\\" ✓\"}").key()).isEqualTo("é \" ✓");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "5", "null", "true", "{\"k\":1}", "[\"k\"]"})
    void aKeyThatIsNotAStringOf1To128CharactersIsAnInvalidField(String key) {
        Inbound.Rejected rejected = rejected("{\"type\":\"publish\",\"id\":\"k1\",\"channel\":\"room\",\"data\":1,\"key\":" + key + "}");
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(rejected.id()).isEqualTo("k1");
        assertThat(rejected.message()).contains("'key'");
    }

    @Test
    void aKeyLongerThan128CharactersIsAnInvalidField() {
        Inbound.Rejected rejected = rejected("{\"id\":\"k2\",\"type\":\"publish\",\"channel\":\"room\",\"data\":1,\"key\":\""
                + "k".repeat(129) + "\"}");
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(rejected.id()).isEqualTo("k2");
    }

    @Test
    void aSubscriptionMayCarryThePositionToResumeFrom() {
        ClientRequest request = request("{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"room\",\"since\":{\"epoch\":1795000000000,\"seq\":42}}");
        assertThat(request.since()).isEqualTo(new Position(1_795_000_000_000L, 42));
        assertThat(request.after()).isNull();
        assertThat(request.before()).isNull();

        ClientRequest nothingSeen = request("{\"type\":\"subscribe\",\"channel\":\"room\",\"since\":{\"seq\":0, \"epoch\":0}}");
        assertThat(nothingSeen.since()).isEqualTo(Position.NONE);
        assertThat(nothingSeen.since().isNone()).isTrue();

        assertThat(request("{\"type\":\"subscribe\",\"channel\":\"room\"}").since()).isNull();
        // the fields after a position object are still read
        ClientRequest later = request("{\"since\":{\"epoch\":3,\"seq\":4},\"type\":\"subscribe\",\"id\":\"after-it\",\"channel\":\"room\"}");
        assertThat(later.id()).isEqualTo("after-it");
        assertThat(later.channel()).isEqualTo("room");
        assertThat(later.since()).isEqualTo(new Position(3, 4));
    }

    @Test
    void aHistoryRequestMayCarryAfterBeforeAndLimit() {
        ClientRequest after = request("{\"type\":\"history\",\"id\":\"h\",\"channel\":\"room\",\"after\":{\"epoch\":7,\"seq\":10},\"limit\":25}");
        assertThat(after.type()).isEqualTo(RequestType.HISTORY);
        assertThat(after.id()).isEqualTo("h");
        assertThat(after.channel()).isEqualTo("room");
        assertThat(after.after()).isEqualTo(new Position(7, 10));
        assertThat(after.before()).isNull();
        assertThat(after.limit()).isEqualTo(25);

        ClientRequest before = request("{\"type\":\"history\",\"channel\":\"room\",\"before\":{\"epoch\":7,\"seq\":3}}");
        assertThat(before.before()).isEqualTo(new Position(7, 3));
        assertThat(before.after()).isNull();
        assertThat(before.limit()).isZero(); // absent

        ClientRequest plain = request("{\"type\":\"history\",\"channel\":\"room\"}");
        assertThat(plain.after()).isNull();
        assertThat(plain.before()).isNull();
        assertThat(plain.limit()).isZero();
        // a limit beyond int is capped, not wrapped
        assertThat(request("{\"type\":\"history\",\"channel\":\"room\",\"limit\":10000000000}").limit()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aHistoryRequestNeedsAChannel() {
        Inbound.Rejected rejected = rejected("{\"type\":\"history\",\"id\":\"h0\"}");
        assertThat(rejected.code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(rejected.id()).isEqualTo("h0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"epoch\":1}", "{\"seq\":1}", "{}", "{\"epoch\":-1,\"seq\":2}", "{\"epoch\":1,\"seq\":-2}",
            "{\"epoch\":1.5,\"seq\":2}", "{\"epoch\":\"1\",\"seq\":2}", "{\"epoch\":1,\"seq\":null}", "{\"epoch\":1,\"seq\":[2]}",
            "\"1:2\"", "null", "5", "[1,2]"})
    void aPositionThatIsNotTwoIntegersAtLeastZeroIsAnInvalidField(String position) {
        for (String field : new String[]{"since", "after", "before"}) {
            String type = field.equals("since") ? "subscribe" : "history";
            Inbound.Rejected rejected = rejected("{\"type\":\"" + type + "\",\"id\":\"bad-" + field + "\",\"channel\":\"room\",\""
                    + field + "\":" + position + "}");
            assertThat(rejected.code()).as(field).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(rejected.id()).isEqualTo("bad-" + field);
            assertThat(rejected.message()).contains("'" + field + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "2.5", "\"10\"", "null", "true", "{}", "[5]"})
    void aLimitThatIsNotAPositiveIntegerIsAnInvalidField(String limit) {
        Inbound.Rejected rejected = rejected("{\"type\":\"history\",\"id\":\"lim\",\"channel\":\"room\",\"limit\":" + limit + "}");
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(rejected.id()).isEqualTo("lim");
        assertThat(rejected.message()).contains("'limit'");
    }

    /** A number beyond 64 bits must not wrap around into a small valid one. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"history\",\"id\":\"big\",\"channel\":\"room\",\"limit\":18446744073709551617}",
            "{\"type\":\"history\",\"id\":\"big\",\"channel\":\"room\",\"after\":{\"epoch\":18446744073709551617,\"seq\":1}}",
            "{\"type\":\"subscribe\",\"id\":\"big\",\"channel\":\"room\",\"since\":{\"epoch\":1,\"seq\":18446744073709551621}}"})
    void numbersBeyondSixtyFourBitsAreInvalidFieldsNotWrapped(String frame) {
        Inbound inbound = decoder.decode(frame);
        if (inbound instanceof Inbound.Request request) {
            ClientRequest r = request.request();
            assertThat(r).as("decoded as limit %d, after %s, since %s", r.limit(), r.after(), r.since())
                    .isNull();
        }
        assertThat(((Inbound.Rejected) inbound).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(((Inbound.Rejected) inbound).id()).isEqualTo("big");
    }

    @Test
    void aFrameThatIsNotJsonInsideAPositionIsMalformed() {
        Inbound.Rejected rejected = rejected("{\"type\":\"subscribe\",\"id\":\"m\",\"channel\":\"room\",\"since\":{\"epoch\":1,\"seq\":}}");
        assertThat(rejected.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @Test
    void anInvalidFieldDoesNotHideAMissingOrUnknownOne() {
        assertThat(rejected("{\"type\":\"teleport\",\"id\":\"u\",\"limit\":0}").code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(rejected("{\"type\":\"history\",\"id\":\"u\",\"limit\":0}").code()).isEqualTo(ErrorCode.MISSING_FIELD);
    }
}
