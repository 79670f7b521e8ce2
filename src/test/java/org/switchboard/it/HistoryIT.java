package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.switchboard.it.support.HubClient.errorCode;

/**
 * Channel history on a real Payara with its default DataSource (H2): publish replies carry the
 * position, a subscriber resumes from its last position with exactly what it missed, the switch
 * from stored to live messages loses and repeats nothing while a publisher floods, a retried key
 * is delivered once, pages of history, and the answers when history cannot help.
 */
@HubDeployment(config = {
        "switchboard.history.channels=short.*=5/1h, live.*=live",
        "switchboard.history.prune-interval-ms=300",
        // the flood test's clients share this JVM with the flooding publisher: on a starved box they fall
        // behind the IT configuration's 1,024-message queue and are cut as slow consumers (SlowConsumerIT's concern)
        "switchboard.limits.send-queue=100000"})
class HistoryIT extends DeployedHub {

    private static String channel(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObjectBuilder publish(String channel, int n) {
        return Json.createObjectBuilder().add("type", "publish").add("channel", channel)
                .add("data", Json.createObjectBuilder().add("n", n));
    }

    private static JsonObjectBuilder subscribe(String channel, long epoch, long seq) {
        return Json.createObjectBuilder().add("type", "subscribe").add("channel", channel)
                .add("since", Json.createObjectBuilder().add("epoch", epoch).add("seq", seq));
    }

    private static long seq(JsonObject e) {
        JsonObject data = e.getJsonObject("data");
        return "message".equals(e.getString("type")) ? e.getJsonNumber("seq").longValue() : data.getJsonNumber("seq").longValue();
    }

    private static long epoch(JsonObject e) {
        return "message".equals(e.getString("type")) ? e.getJsonNumber("epoch").longValue()
                : e.getJsonObject("data").getJsonNumber("epoch").longValue();
    }

    private static List<Long> seqs(List<JsonObject> messages) {
        return messages.stream().map(HistoryIT::seq).toList();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        List<Long> r = new ArrayList<>();
        for (long i = fromInclusive; i <= toInclusive; i++) {
            r.add(i);
        }
        return r;
    }

    @Test
    void repliesCarryPositionsAndAResumedSubscriberGetsExactlyWhatItMissed() {
        String channel = channel("room-");
        try (HubClient publisher = HubClient.connect(base, "pub")) {
            long epoch;
            try (HubClient first = HubClient.connect(base, "first")) {
                JsonObject subscribed = first.subscribe(channel);
                assertThat(seq(subscribed)).isZero();
                List<JsonObject> acks = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    acks.add(publisher.call(publish(channel, i)));
                }
                assertThat(acks).allMatch(HubClient::isOk);
                assertThat(seqs(acks)).containsExactly(1L, 2L, 3L);
                epoch = epoch(acks.get(0));
                assertThat(epoch).isPositive();
                assertThat(acks).allMatch(a -> epoch(a) == epoch);
                assertThat(seqs(first.awaitMessages(channel, 3))).containsExactly(1L, 2L, 3L);
            }
            for (int i = 4; i <= 8; i++) {
                assertThat(publisher.call(publish(channel, i))).is(HubClient.OK);
            }
            try (HubClient back = HubClient.connect(base, "back")) {
                JsonObject reply = back.call(subscribe(channel, epoch, 3));
                assertThat(reply.getJsonObject("data").getBoolean("recovered")).isTrue();
                assertThat(epoch(reply)).isEqualTo(epoch);
                assertThat(seqs(back.awaitMessages(channel, 5))).containsExactly(4L, 5L, 6L, 7L, 8L);
                publisher.call(publish(channel, 9));
                List<JsonObject> all = back.awaitMessages(channel, 6);
                assertThat(seqs(all)).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
                assertThat(all.get(5).getJsonObject("data").getInt("n")).isEqualTo(9);
                // the reply came before the first missed message
                List<JsonObject> order = back.snapshot(e -> reply.getString("id").equals(e.getString("id", null))
                        || "message".equals(e.getString("type")));
                assertThat(order.get(0).getString("type")).isEqualTo("reply");
            }
        }
    }

    @Test
    void aClientOfflineForThirtySecondsResumesWithEverythingItMissed() throws Exception {
        String channel = channel("offline-");
        long epoch;
        long lastSeen;
        try (HubClient publisher = HubClient.connect(base, "pub")) {
            try (HubClient subscriber = HubClient.connect(base, "sub")) {
                subscriber.subscribe(channel);
                JsonObject ack = publisher.call(publish(channel, 0));
                epoch = epoch(ack);
                lastSeen = seq(subscriber.awaitMessages(channel, 1).get(0));
            }
            // offline for 30 s while the publisher goes on, ten messages a second
            List<Long> published = new ArrayList<>();
            java.util.concurrent.CountDownLatch offlineOver = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            timer.schedule(offlineOver::countDown, 30, java.util.concurrent.TimeUnit.SECONDS);
            int n = 1;
            do {
                JsonObject ack = publisher.call(publish(channel, n++));
                assertThat(ack).is(HubClient.OK);
                published.add(seq(ack));
            } while (!offlineOver.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)); // paced, until the 30 s are over
            timer.shutdown();
            try (HubClient back = HubClient.connect(base, "sub-again")) {
                JsonObject reply = back.call(subscribe(channel, epoch, lastSeen));
                assertThat(reply.getJsonObject("data").getBoolean("recovered")).isTrue();
                assertThat(seqs(back.awaitMessages(channel, published.size()))).isEqualTo(published);
                assertThat(published).isEqualTo(range(lastSeen + 1, lastSeen + published.size()));
            }
        }
    }

    @Test
    void aPositionBeyondRetentionOrFromAnotherEpochIsAnsweredNotRecovered() {
        String channel = channel("short.");
        try (HubClient publisher = HubClient.connect(base, "pub")) {
            long epoch = 0;
            for (int i = 1; i <= 20; i++) {
                epoch = epoch(publisher.call(publish(channel, i)));
            }
            // retention keeps 5: wait for the pruning to have run
            await().atMost(HubClient.TIMEOUT).until(() -> publisher.call(Json.createObjectBuilder().add("type", "history")
                    .add("channel", channel)).getJsonObject("data").getInt("earliest") == 16);
            JsonObject history = publisher.call(Json.createObjectBuilder().add("type", "history").add("channel", channel));
            assertThat(history.getJsonObject("data").getJsonArray("messages")).hasSize(5);

            try (HubClient late = HubClient.connect(base, "late")) {
                JsonObject reply = late.call(subscribe(channel, epoch, 2));
                JsonObject data = reply.getJsonObject("data");
                assertThat(data.getBoolean("ok")).isTrue();
                assertThat(data.getBoolean("recovered")).isFalse();
                assertThat(data.getInt("earliest")).isEqualTo(16);
                assertThat(data.getJsonNumber("seq").longValue()).isEqualTo(20);
                // still subscribed, live from here
                publisher.call(publish(channel, 21));
                assertThat(seqs(late.awaitMessages(channel, 1))).containsExactly(21L);
            }
            try (HubClient other = HubClient.connect(base, "other-epoch")) {
                JsonObject reply = other.call(subscribe(channel, epoch - 1, 18));
                assertThat(reply.getJsonObject("data").getBoolean("recovered")).isFalse();
            }
        }
    }

    @Test
    void subscribingWithAPositionWhileAPublisherFloodsLosesAndRepeatsNothing() throws Exception {
        String channel = channel("race-");
        ExecutorService flood = Executors.newSingleThreadExecutor();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong lastAcked = new AtomicLong();
        try (HubClient publisher = HubClient.connect(base, "flood");
             HubClient watcher = HubClient.connect(base, "watcher")) {
            watcher.subscribe(channel);
            long epoch = epoch(publisher.call(publish(channel, 0)));
            Future<?> floodDone = flood.submit(() -> {
                int n = 1;
                while (flooding.get()) {
                    // ten in flight at a time, then wait for the last reply
                    String id = null;
                    for (int i = 0; i < 10; i++) {
                        id = publisher.request("publish", channel, Json.createObjectBuilder().add("n", n++).build());
                    }
                    lastAcked.set(seq(publisher.reply(id)));
                }
                return null;
            });
            for (int round = 0; round < 20; round++) {
                long since = lastAcked.get();
                try (HubClient joiner = HubClient.connect(base, "joiner-" + round)) {
                    JsonObject reply = joiner.call(subscribe(channel, epoch, since));
                    assertThat(reply.getJsonObject("data").getBoolean("recovered")).as("round %d", round).isTrue();
                    long target = lastAcked.get() + 20;
                    await().atMost(HubClient.TIMEOUT).until(() -> lastAcked.get() >= target);
                    List<JsonObject> got = joiner.awaitCount(e -> "message".equals(e.getString("type"))
                            && seq(e) >= target, 1);
                    List<Long> seen = seqs(joiner.messages(channel));
                    long last = seen.get(seen.size() - 1);
                    assertThat(got).isNotEmpty();
                    assertThat(seen).as("round %d from %d", round, since).isEqualTo(range(since + 1, last));
                }
            }
            flooding.set(false);
            floodDone.get();
        } finally {
            flooding.set(false);
            flood.shutdownNow();
        }
    }

    @Test
    void aRetriedKeyIsDeliveredOnceEvenAcrossAReconnect() {
        String channel = channel("idem-");
        String key = UUID.randomUUID().toString();
        try (HubClient subscriber = HubClient.connect(base, "sub")) {
            subscriber.subscribe(channel);
            JsonObject first;
            try (HubClient publisher = HubClient.connect(base, "pub")) {
                first = publisher.call(publish(channel, 1).add("key", key));
                assertThat(first).is(HubClient.OK);
                assertThat(first.getJsonObject("data").containsKey("duplicate")).isFalse();
                JsonObject again = publisher.call(publish(channel, 1).add("key", key));
                assertThat(again.getJsonObject("data").getBoolean("duplicate")).isTrue();
                assertThat(seq(again)).isEqualTo(seq(first));
            }
            try (HubClient reconnected = HubClient.connect(base, "pub")) {
                JsonObject retry = reconnected.call(publish(channel, 1).add("key", key));
                assertThat(retry.getJsonObject("data").getBoolean("duplicate")).isTrue();
                assertThat(seq(retry)).isEqualTo(seq(first));
                assertThat(epoch(retry)).isEqualTo(epoch(first));
                JsonObject next = reconnected.call(publish(channel, 2));
                assertThat(seq(next)).isEqualTo(seq(first) + 1);
            }
            List<JsonObject> messages = subscriber.awaitMessages(channel, 2);
            assertThat(seqs(messages)).containsExactly(seq(first), seq(first) + 1);
        }
    }

    @Test
    void historyIsPagedForwardAndBackward() {
        String channel = channel("paged-");
        try (HubClient client = HubClient.connect(base, "reader")) {
            long epoch = 0;
            for (int i = 1; i <= 10; i++) {
                epoch = epoch(client.call(publish(channel, i)));
            }
            JsonObject latest = client.call(Json.createObjectBuilder().add("type", "history").add("channel", channel).add("limit", 3));
            assertThat(latest.getString("type")).isEqualTo("history");
            assertThat(seqs(messages(latest))).containsExactly(8L, 9L, 10L);
            assertThat(latest.getJsonObject("data").getInt("earliest")).isEqualTo(1);
            assertThat(latest.getJsonObject("data").getInt("latest")).isEqualTo(10);

            JsonObject before = client.call(Json.createObjectBuilder().add("type", "history").add("channel", channel)
                    .add("before", Json.createObjectBuilder().add("epoch", epoch).add("seq", 8)).add("limit", 4));
            assertThat(seqs(messages(before))).containsExactly(4L, 5L, 6L, 7L);

            JsonObject after = client.call(Json.createObjectBuilder().add("type", "history").add("channel", channel)
                    .add("after", Json.createObjectBuilder().add("epoch", epoch).add("seq", 8)));
            assertThat(seqs(messages(after))).containsExactly(9L, 10L);
            assertThat(messages(after).get(1).getJsonObject("data").getInt("n")).isEqualTo(10);

            JsonObject bad = client.call(Json.createObjectBuilder().add("type", "history").add("channel", channel).add("limit", -1));
            assertThat(errorCode(bad)).isEqualTo("invalid_field");
        }
    }

    @Test
    void aLiveOnlyChannelKeepsNoHistoryAndSaysSo() {
        String channel = channel("live.");
        try (HubClient client = HubClient.connect(base, "live")) {
            JsonObject subscribed = client.subscribe(channel);
            assertThat(subscribed.getJsonObject("data").containsKey("epoch")).isFalse();
            JsonObject ack = client.call(publish(channel, 1));
            assertThat(seq(ack)).isEqualTo(1);
            assertThat(errorCode(client.call(Json.createObjectBuilder().add("type", "history").add("channel", channel))))
                    .isEqualTo("no_history");
        }
    }

    private static List<JsonObject> messages(JsonObject history) {
        return history.getJsonObject("data").getJsonArray("messages").stream().map(v -> v.asJsonObject()).toList();
    }
}
