package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;

import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.switchboard.it.support.HubClient.errorCode;
import static org.switchboard.it.support.HubClient.isOk;

/** The hub on one real Payara Server, driven by real WebSocket clients over loopback sockets. */
@Tag("adaptations-off")
class HubIT extends DeployedHub {

    private static String channel() {
        return "ch-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject text(String text) {
        return Json.createObjectBuilder().add("text", text).build();
    }

    @Test
    void publishReachesEverySubscriberInOrderAndNobodyElse() {
        String channel = channel();
        try (HubClient alice = HubClient.connect(base, "alice");
             HubClient bob = HubClient.connect(base, "bob");
             HubClient outsider = HubClient.connect(base, "outsider");
             HubClient publisher = HubClient.connect(base, "pub")) {
            alice.subscribe(channel);
            bob.subscribe(channel);
            outsider.subscribe(channel + "-other");
            int count = 200;
            for (int i = 0; i < count; i++) {
                publisher.request("publish", channel, Json.createObjectBuilder().add("n", i).build());
            }
            for (HubClient subscriber : List.of(alice, bob)) {
                List<JsonObject> messages = subscriber.awaitMessages(channel, count);
                assertThat(messages).hasSize(count);
                for (int i = 0; i < count; i++) {
                    JsonObject message = messages.get(i);
                    assertThat(message.getJsonObject("data").getInt("n")).isEqualTo(i);
                    assertThat(message.getJsonNumber("seq").longValue()).isEqualTo(i + 1);
                    assertThat(message.getJsonObject("from").getString("name")).isEqualTo("pub");
                    assertThat(message.getJsonNumber("ts").longValue()).isPositive();
                }
            }
            // the outsider's own channel gets a message after all of the above: once it arrives,
            // anything misrouted to the outsider would have arrived too
            publisher.call("publish", channel + "-other", text("marker"));
            outsider.awaitMessages(channel + "-other", 1);
            assertThat(outsider.messages(channel)).isEmpty();
            assertThat(publisher.messages(channel)).isEmpty();
        }
    }

    /**
     * The hub frames its messages itself (one array for header and payload, UTF-8 encoded once for
     * all subscribers): texts with one-, two-, three- and four-byte characters, from empty to
     * 14 KB, arrive intact at a JDK client, which checks framing and UTF-8 on its own. Replies
     * are frames with a one-byte length, messages need the two-byte one; TextFramesTest covers
     * the eight-byte one.
     */
    @Test
    void multiByteTextOfEverySizeArrivesIntact() {
        String channel = channel();
        String unit = "a\u00e9\u20ac\ud83d\ude00"; // 1 + 2 + 3 + 4 bytes
        List<String> texts = List.of("", "\u00fc", unit.repeat(6), unit.repeat(12), unit.repeat(13), unit.repeat(600), unit.repeat(1400));
        try (HubClient subscriber = HubClient.connect(base, "\u00c5sa");
             HubClient publisher = HubClient.connect(base, "pub")) {
            subscriber.subscribe(channel);
            for (String t : texts) {
                assertThat(publisher.call("publish", channel, text(t))).is(HubClient.OK);
            }
            assertThat(subscriber.awaitMessages(channel, texts.size()))
                    .extracting(m -> m.getJsonObject("data").getString("text"))
                    .containsExactlyElementsOf(texts);
            assertThat(subscriber.welcome().getJsonObject("data").getString("name")).isEqualTo("\u00c5sa");
        }
    }

    @Test
    void welcomeAnnouncesConnectionNameAndLimits() {
        try (HubClient client = HubClient.connect(base, "  Zoë  ")) {
            JsonObject data = client.welcome().getJsonObject("data");
            assertThat(data.getString("protocol")).isEqualTo("switchboard.v1");
            assertThat(data.getString("name")).isEqualTo("Zoë");
            assertThat(data.getString("connection")).isNotBlank();
            assertThat(data.getJsonNumber("heartbeatMs").longValue()).isEqualTo(500);
            assertThat(data.getJsonObject("limits").getInt("maxSubscriptions")).isEqualTo(5);
            assertThat(client.subprotocol()).isEqualTo("switchboard.v1");
        }
    }

    @Test
    void repliesCarryTheRequestIdAndPingIsAnswered() {
        try (HubClient client = HubClient.connect(base, "c")) {
            client.sendText("{\"type\":\"ping\",\"id\":\"my-own-id\"}");
            JsonObject pong = client.reply("my-own-id");
            assertThat(pong.getString("type")).isEqualTo("pong");
            client.sendText("{\"type\":\"subscribe\",\"id\":\"s-1\",\"channel\":\"" + channel() + "\"}");
            assertThat(client.reply("s-1")).is(HubClient.OK);
        }
    }

    @Test
    void everyErrorCodeForItsInputAndTheConnectionKeepsWorking() {
        String channel = channel();
        try (HubClient bad = HubClient.connect(base, "bad");
             HubClient good = HubClient.connect(base, "good")) {
            good.subscribe(channel);
            bad.subscribe(channel);

            bad.sendText("{this is not json");
            JsonObject malformed = bad.await(e -> "reply".equals(e.getString("type")) && !e.containsKey("id"));
            assertThat(errorCode(malformed)).isEqualTo("malformed_json");

            assertThat(errorCode(bad.call("teleport", channel, null))).isEqualTo("unknown_type");

            String deep = "[".repeat(1000) + "]".repeat(1000);
            bad.sendText("{\"type\":\"publish\",\"id\":\"deep\",\"channel\":\"" + channel + "\",\"data\":" + deep + "}");
            assertThat(errorCode(bad.reply("deep"))).as("JSON nested past the parser's limit").isEqualTo("malformed_json");

            bad.sendText("{\"type\":\"publish\",\"id\":\"nodata\",\"channel\":\"" + channel + "\"}");
            assertThat(errorCode(bad.reply("nodata"))).isEqualTo("missing_field");
            bad.sendText("{\"type\":\"subscribe\",\"id\":\"nochannel\"}");
            assertThat(errorCode(bad.reply("nochannel"))).isEqualTo("missing_field");

            assertThat(errorCode(bad.call("subscribe", "no spaces allowed", null))).isEqualTo("invalid_channel");
            assertThat(errorCode(bad.call("publish", "x".repeat(200), text("too long")))).isEqualTo("invalid_channel");

            // the limit is 5 in the test configuration, one is taken already
            for (int i = 1; i < 5; i++) {
                assertThat(bad.call("subscribe", channel + "-" + i, null)).is(HubClient.OK);
            }
            assertThat(errorCode(bad.call("subscribe", channel + "-5", null))).isEqualTo("too_many_subscriptions");

            bad.sendBinary(new byte[]{1, 2, 3});
            JsonObject binary = bad.await(e -> "reply".equals(e.getString("type")) && !e.containsKey("id")
                    && "binary_not_supported".equals(errorCode(e)));
            assertThat(binary).isNotNull();

            // still a working connection, and the other client saw nothing but real messages
            assertThat(bad.call("publish", channel, text("still here"))).is(HubClient.OK);
            List<JsonObject> received = good.awaitMessages(channel, 1);
            assertThat(received.get(0).getJsonObject("data").getString("text")).isEqualTo("still here");
            assertThat(good.snapshot(e -> "reply".equals(e.getString("type")) && !isOk(e))).isEmpty();
        }
    }

    @Test
    void oversizeFrameClosesWith1009AndOthersKeepReceiving() {
        String channel = channel();
        try (HubClient big = HubClient.connect(base, "big");
             HubClient other = HubClient.connect(base, "other")) {
            big.subscribe(channel);
            other.subscribe(channel);
            big.request("publish", channel, text("x".repeat(20_000)));
            assertThat(big.awaitClose()).isEqualTo(1009);
            assertThat(other.call("publish", channel, text("after"))).is(HubClient.OK);
            List<JsonObject> messages = other.awaitMessages(channel, 1);
            assertThat(messages).extracting(m -> m.getJsonObject("data").getString("text")).containsExactly("after");
        }
    }

    @Test
    void presenceJoinLeaveAndList() {
        String channel = channel();
        try (HubClient alice = HubClient.connect(base, "alice")) {
            alice.subscribe(channel);
            String bobConnection;
            try (HubClient bob = HubClient.connect(base, "bob")) {
                bobConnection = bob.welcome().getJsonObject("data").getString("connection");
                bob.subscribe(channel);
                JsonObject join = alice.await(e -> "join".equals(e.getString("type"))
                        && bobConnection.equals(e.getJsonObject("data").getString("connection")));
                assertThat(join.getString("channel")).isEqualTo(channel);
                assertThat(join.getJsonObject("data").getString("name")).isEqualTo("bob");

                JsonObject list = alice.call("presence", channel, null);
                assertThat(list.getString("type")).isEqualTo("presence");
                assertThat(list.getJsonObject("data").getJsonArray("members"))
                        .extracting(m -> m.asJsonObject().getString("name")).containsExactly("alice", "bob");
            }
            JsonObject leave = alice.await(e -> "leave".equals(e.getString("type")));
            assertThat(leave.getJsonObject("data").getString("connection")).isEqualTo(bobConnection);
            assertThat(alice.call("presence", channel, null).getJsonObject("data").getJsonArray("members"))
                    .extracting(m -> m.asJsonObject().getString("name")).containsExactly("alice");
        }
    }

    @Test
    void unsubscribeStopsDeliveryAndPresence() {
        String channel = channel();
        try (HubClient alice = HubClient.connect(base, "alice");
             HubClient bob = HubClient.connect(base, "bob")) {
            alice.subscribe(channel);
            bob.subscribe(channel);
            assertThat(bob.call("unsubscribe", channel, null)).is(HubClient.OK);
            alice.await(e -> "leave".equals(e.getString("type")));
            alice.call("publish", channel, text("only alice"));
            alice.awaitMessages(channel, 1);
            assertThat(bob.messages(channel)).isEmpty();
        }
    }

    @Test
    void versionNegotiation() {
        try (HubClient preferred = HubClient.connect(HubClient.endpoint(base, "a"), "switchboard.v9", "switchboard.v1")) {
            assertThat(preferred.subprotocol()).isEqualTo("switchboard.v1");
            assertThat(preferred.welcome()).isNotNull();
        }
        try (HubClient none = HubClient.connect(HubClient.endpoint(base, "b"))) {
            assertThat(none.welcome().getJsonObject("data").getString("protocol")).isEqualTo("switchboard.v1");
        }
        assertThatThrownBy(() -> HubClient.connect(HubClient.endpoint(base, "c"), "switchboard.v9"))
                .isInstanceOf(CompletionException.class)
                .satisfies(e -> {
                    WebSocketHandshakeException refused = (WebSocketHandshakeException) e.getCause();
                    assertThat(refused.getResponse().statusCode()).isEqualTo(400);
                    assertThat(refused.getResponse().headers().firstValue("X-Switchboard-Protocols")).contains("switchboard.v1");
                });
    }
}
