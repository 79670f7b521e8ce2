package org.switchboard.protocol;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FramesTest {

    @Test
    void handBuiltMessageFrameMatchesJsonbEncoding() {
        Member from = new Member("c1", "Zoë \"the\" <admin>\n");
        String data = "{\"text\":\"h\\u00e9\\nllo\",\"n\":[1,2.5,null,true]}";
        String hand = JsonText.of(out -> OutboundCodec.writeMessage(out, "lobby.x:1", 1795000000000L, 42, 1700000000123L, from, data));
        String jsonb = OutboundCodec.json(new ServerEnvelope("message", null, "lobby.x:1", 1795000000000L, 42L, 1700000000123L, from,
                Json.createReader(new StringReader(data)).readValue()));
        assertThat(parse(hand)).isEqualTo(parse(jsonb));
        assertThat(hand).doesNotContain("\n");
    }

    @Test
    void handBuiltStringsRoundTripEveryCharacterThatNeedsEscaping() {
        StringBuilder tricky = new StringBuilder("quote\" backslash\\ slash/ é ✓ \uD83D\uDE00 \u2028");
        for (char c = 0; c < 0x20; c++) {
            tricky.append(c);
        }
        String json = JsonText.of(out -> out.ascii("[").quoted(tricky.toString()).ascii("]"));
        assertThat(json).doesNotContain("\n", "\r").doesNotContainPattern("[\\x00-\\x1f]");
        assertThat(Json.createReader(new StringReader(json)).readArray().getString(0)).isEqualTo(tricky.toString());
    }

    @Test
    void handBuiltOkReplyMatchesJsonbEncoding() {
        for (String id : new String[]{"9", "a\"b\\c\n", null}) {
            assertThat(parse(JsonText.of(out -> OutboundCodec.writeOk(out, id)))).isEqualTo(parse(OutboundCodec.json(OutboundCodec.okEnvelope(id))));
        }
    }

    @Test
    void repliesOmitAbsentFieldsAndEchoId() {
        JsonObject ok = text(OutboundCodec.ok("9"));
        assertThat(ok.getString("type")).isEqualTo("reply");
        assertThat(ok.getString("id")).isEqualTo("9");
        assertThat(ok.getJsonObject("data").getBoolean("ok")).isTrue();
        assertThat(ok).doesNotContainKeys("channel", "seq", "ts", "from");

        JsonObject error = text(OutboundCodec.error(null, ErrorCode.RATE_LIMITED, "slow down"));
        assertThat(error).doesNotContainKey("id");
        assertThat(error.getJsonObject("data").getBoolean("ok")).isFalse();
        assertThat(error.getJsonObject("data").getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    }

    @Test
    void presenceListsMembers() {
        JsonObject presence = text(OutboundCodec.presence("4", "lobby",
                List.of(new Member("a", "Alice"), new Member("b", "Bob"))));
        assertThat(presence.getString("type")).isEqualTo("presence");
        assertThat(presence.getString("channel")).isEqualTo("lobby");
        assertThat(presence.getJsonObject("data").getJsonArray("members").getJsonObject(1).getString("name")).isEqualTo("Bob");
    }

    @Test
    void welcomeKeepsItsFieldOrderAndLimits() {
        JsonObject welcome = text(OutboundCodec.welcome(new Welcome("switchboard.v1", "c1", "Ann", "ann-id", 1_700_000_000_000L,
                25000, new Welcome.Limits(65536, 100, 128, "[a-z]+", 1024, 100))));
        assertThat(welcome.getString("type")).isEqualTo("welcome");
        assertThat(welcome.getJsonObject("data").keySet())
                .containsExactly("protocol", "connection", "name", "user", "expiresAt", "heartbeatMs", "limits");
        assertThat(welcome.getJsonObject("data").getString("user")).isEqualTo("ann-id");
        JsonObject anonymous = text(OutboundCodec.welcome(new Welcome("switchboard.v1", "c1", "Ann", null, null,
                25000, new Welcome.Limits(65536, 100, 128, "[a-z]+", 1024, 100))));
        assertThat(anonymous.getJsonObject("data").keySet()).as("no user, no expiry: left off")
                .containsExactly("protocol", "connection", "name", "heartbeatMs", "limits");
        assertThat(welcome.getJsonObject("data").getJsonObject("limits").getInt("publishPerSecond")).isEqualTo(100);
    }

    @Test
    void joinLeaveAndPongCarryWhatTheProtocolSays() {
        JsonObject join = text(OutboundCodec.join("lobby", new Member("a", "Alice")));
        assertThat(join.getString("type")).isEqualTo("join");
        assertThat(join.getJsonObject("data").getString("connection")).isEqualTo("a");
        assertThat(text(OutboundCodec.leave("lobby", new Member("a", "Alice"))).getString("type")).isEqualTo("leave");
        assertThat(text(OutboundCodec.pong("7")).getString("id")).isEqualTo("7");
    }

    /** A frame from the codec as JSON: the codec hands out complete WebSocket frames. */
    private static JsonObject text(byte[] frame) {
        return parse(TextFrames.payloadText(frame));
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
