package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.ApplicationMetrics;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.RawWebSocket;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.HubClient.isOk;

/**
 * A client that stops reading is closed as a slow consumer (4001) and nobody else notices. The
 * heartbeat timeout is long here: a stalled client answers no pings either, and this test is
 * about the send queue, not the heartbeat.
 */
@HubDeployment(config = "switchboard.heartbeat.timeout-ms=600000")
@Tag("adaptations-off")
class SlowConsumerIT extends DeployedHub {

    private long slowConsumerCloses() throws Exception {
        return ApplicationMetrics.text(base).lines().filter(l -> l.startsWith("switchboard_slow_consumer_closes_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String channel() {
        return "slow-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aClientThatStopsReadingIsClosedAndOthersGetEverythingInOrder() throws Exception {
        String channel = channel();
        int count = 10_000;
        String kilobyte = "k".repeat(1000);
        try (RawWebSocket stalled = RawWebSocket.connect(HubClient.endpoint(base, "stalled"), 4096);
             HubClient reader = HubClient.connect(base, "reader");
             HubClient publisher = HubClient.connect(base, "publisher")) {
            stalled.sendText("{\"type\":\"subscribe\",\"id\":\"1\",\"channel\":\"" + channel + "\"}");
            // read up to the subscribe reply, then never read again until the end
            while (!stalled.readFrame().text().contains("\"id\":\"1\"")) {
                // welcome frame
            }
            reader.subscribe(channel);
            int window = 200;
            for (int start = 0; start < count; start += window) {
                String last = null;
                for (int i = start; i < start + window; i++) {
                    last = publisher.request("publish", channel,
                            Json.createObjectBuilder().add("n", i).add("pad", kilobyte).build());
                }
                assertThat(publisher.reply(last)).is(HubClient.OK);
            }
            assertThat(publisher.snapshot(e -> "reply".equals(e.getString("type")) && !isOk(e))).isEmpty();

            List<JsonObject> messages = reader.awaitMessages(channel, count);
            assertThat(messages).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(messages.get(i).getJsonObject("data").getInt("n")).isEqualTo(i);
            }
            assertThat(reader.isClosed()).isFalse();

            // The hub closed it as a slow consumer (counted), and the connection ends: with the 4001
            // close frame when the socket had room for it, otherwise without one (docs/protocol.md).
            assertThat(slowConsumerCloses()).isGreaterThanOrEqualTo(1);
            stalled.setReadTimeout(60_000);
            Integer code;
            try {
                code = stalled.readUntilClose();
            } catch (java.io.EOFException endedWithoutCloseFrame) {
                code = null;
            }
            assertThat(code).isIn(4001, null);
        }
    }
}
