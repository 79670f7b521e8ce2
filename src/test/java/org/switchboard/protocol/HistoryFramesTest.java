package org.switchboard.protocol;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The server frames history added: the publish reply with its position, the subscribe reply, and a history page. */
class HistoryFramesTest {

    @Test
    void handBuiltPublishReplyMatchesJsonbEncoding() {
        for (String id : new String[]{"9", "a\"b\\c\n", "é ✓", null}) {
            for (boolean duplicate : new boolean[]{false, true}) {
                for (long[] position : new long[][]{{1_795_000_000_000L, 42}, {0, 0}, {Long.MAX_VALUE, Long.MAX_VALUE}}) {
                    String hand = JsonText.of(out -> OutboundCodec.writePublished(out, id, position[0], position[1], duplicate));
                    String jsonb = OutboundCodec.json(OutboundCodec.publishedEnvelope(id, position[0], position[1], duplicate));
                    assertThat(parse(hand)).as("id %s duplicate %s", id, duplicate).isEqualTo(parse(jsonb));
                    // the same fields in the same order, and one line
                    assertThat(parse(hand).keySet()).containsExactlyElementsOf(parse(jsonb).keySet());
                    assertThat(parse(hand).getJsonObject("data").keySet())
                            .containsExactlyElementsOf(parse(jsonb).getJsonObject("data").keySet());
                    assertThat(hand).doesNotContain("\n");
                }
            }
        }
    }

    @Test
    void handBuiltWelcomeMatchesJsonbEncoding() {
        Welcome.Limits limits = new Welcome.Limits(16384, 5, 128, "[A-Za-z0-9._:-]+", 1024, 100);
        for (Welcome welcome : List.of(
                new Welcome("switchboard.v1", "c1", "Ann \"the\" ✓", "ann@example", 1_795_000_000_000L, 25_000, limits),
                new Welcome("switchboard.v1", "c2", "guest-c2", null, null, 0, limits),
                new Welcome("switchboard.v1", "c3", null, null, null, 500, null))) {
            String hand = JsonText.of(out -> OutboundCodec.writeWelcome(out, welcome));
            String jsonb = OutboundCodec.json(OutboundCodec.welcomeEnvelope(welcome));
            assertThat(parse(hand)).as("%s", welcome).isEqualTo(parse(jsonb));
            assertThat(parse(hand).getJsonObject("data").keySet())
                    .containsExactlyElementsOf(parse(jsonb).getJsonObject("data").keySet());
            assertThat(hand).doesNotContain("\n");
        }
    }

    @Test
    void thePublishReplyCarriesThePositionAndDuplicateOnlyWhenItIsOne() {
        JsonObject reply = text(OutboundCodec.published("p1", 1_795_000_000_000L, 7, false));
        assertThat(reply.getString("type")).isEqualTo("reply");
        assertThat(reply.getString("id")).isEqualTo("p1");
        assertThat(reply.getJsonObject("data").getBoolean("ok")).isTrue();
        assertThat(reply.getJsonObject("data").getJsonNumber("epoch").longValue()).isEqualTo(1_795_000_000_000L);
        assertThat(reply.getJsonObject("data").getJsonNumber("seq").longValue()).isEqualTo(7);
        assertThat(reply.getJsonObject("data")).doesNotContainKey("duplicate");

        JsonObject duplicate = text(OutboundCodec.published(null, 3, 1, true));
        assertThat(duplicate).doesNotContainKey("id");
        assertThat(duplicate.getJsonObject("data").getBoolean("duplicate")).isTrue();
    }

    @Test
    void theSubscribeReplySaysWhatItKnows() {
        JsonObject plain = text(OutboundCodec.subscribed("s1", new Position(5, 9), null, null));
        assertThat(plain.getString("type")).isEqualTo("reply");
        assertThat(plain.getString("id")).isEqualTo("s1");
        assertThat(plain.getJsonObject("data").keySet()).containsExactly("ok", "epoch", "seq");
        assertThat(plain.getJsonObject("data").getJsonNumber("seq").longValue()).isEqualTo(9);

        JsonObject recovered = text(OutboundCodec.subscribed("s2", new Position(5, 9), true, null));
        assertThat(recovered.getJsonObject("data").keySet()).containsExactly("ok", "epoch", "seq", "recovered");
        assertThat(recovered.getJsonObject("data").getBoolean("recovered")).isTrue();

        JsonObject lost = text(OutboundCodec.subscribed("s3", new Position(5, 9), false, 4L));
        assertThat(lost.getJsonObject("data").getBoolean("recovered")).isFalse();
        assertThat(lost.getJsonObject("data").getJsonNumber("earliest").longValue()).isEqualTo(4);

        // the store could not be read: no position
        JsonObject unknown = text(OutboundCodec.subscribed("s4", null, false, null));
        assertThat(unknown.getJsonObject("data").keySet()).containsExactly("ok", "recovered");
    }

    @Test
    void aHistoryPageIsOneJsonObjectWithItsMessagesInOrder() {
        Member ann = new Member("c1", "Ann \"A\"\n");
        List<StoredMessage> page = List.of(
                new StoredMessage(77, 3, 1003, ann, "{\"n\":3}"),
                new StoredMessage(77, 4, 1004, new Member("c2", "Bob"), "[1,\"x\",null]"),
                new StoredMessage(77, 5, 1005, ann, "\"five\""));
        String payload = TextFrames.payloadText(OutboundCodec.history("h1", "room.a", 77, 2, 9, page));
        assertThat(payload).doesNotContain("\n");
        JsonObject history = parse(payload);

        assertThat(history.getString("type")).isEqualTo("history");
        assertThat(history.getString("id")).isEqualTo("h1");
        assertThat(history.getString("channel")).isEqualTo("room.a");
        JsonObject data = history.getJsonObject("data");
        assertThat(data.getJsonNumber("epoch").longValue()).isEqualTo(77);
        assertThat(data.getJsonNumber("earliest").longValue()).isEqualTo(2);
        assertThat(data.getJsonNumber("latest").longValue()).isEqualTo(9);
        assertThat(data.getJsonArray("messages")).hasSize(3);
        assertThat(data.getJsonArray("messages").stream().map(m -> m.asJsonObject().getJsonNumber("seq").longValue()))
                .containsExactly(3L, 4L, 5L);
        // each is the message envelope a subscriber gets
        for (int i = 0; i < page.size(); i++) {
            StoredMessage m = page.get(i);
            JsonObject live = text(OutboundCodec.message("room.a", m.epoch(), m.seq(), m.ts(), m.from(), m.dataJson()));
            assertThat(data.getJsonArray("messages").getJsonObject(i)).isEqualTo(live);
        }
        assertThat(data.getJsonArray("messages").getJsonObject(0).getJsonObject("from").getString("name")).isEqualTo("Ann \"A\"\n");
        assertThat(data.getJsonArray("messages").getJsonObject(1).getJsonArray("data").getString(1)).isEqualTo("x");
    }

    @Test
    void anEmptyHistoryPageWithoutId() {
        JsonObject history = text(OutboundCodec.history(null, "room", 0, 0, 0, List.of()));
        assertThat(history).doesNotContainKey("id");
        assertThat(history.getJsonObject("data").getJsonArray("messages")).isEmpty();
        assertThat(history.getJsonObject("data").getJsonNumber("epoch").longValue()).isZero();
    }

    private static JsonObject text(byte[] frame) {
        return parse(TextFrames.payloadText(frame));
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
