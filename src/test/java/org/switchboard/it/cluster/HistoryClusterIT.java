package org.switchboard.it.cluster;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.switchboard.it.support.HubClient;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.HubClient.errorCode;
import static org.switchboard.it.support.HubClient.isOk;

/**
 * "Nothing lost" on the local two-member cluster with its PostgreSQL: kill -9 of the member that
 * numbers messages while publishers on both members publish (twice), a full restart of every
 * member, the broker and the database, and the database going down and coming back. Publishers
 * behave as the client library does: every publication carries a key and is retried, on any
 * member, until it is acknowledged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryClusterIT {

    private final LocalCluster cluster = new LocalCluster();
    private final Thread stopOnExit = new Thread(cluster::stop, "stop-local-cluster");

    @BeforeAll
    void startCluster() throws Exception {
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        // made like the cluster demo (demo sign-in, members accepting each other's pages) for DemoFailover
        cluster.start(warWithLiveOnlyChannels(), Map.of("DEMO", "true"));
    }

    @AfterAll
    void stopCluster() {
        cluster.stop();
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }

    /** The built WAR, with channels named live.* made live-only (the database-down test needs one). */
    private static String warWithLiveOnlyChannels() {
        return LocalCluster.war(Map.of("switchboard.history.channels", "live.*=live"));
    }

    private static String channel(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long seq(JsonObject e) {
        return "message".equals(e.getString("type")) ? e.getJsonNumber("seq").longValue()
                : e.getJsonObject("data").getJsonNumber("seq").longValue();
    }

    private static long epoch(JsonObject e) {
        return "message".equals(e.getString("type")) ? e.getJsonNumber("epoch").longValue()
                : e.getJsonObject("data").getJsonNumber("epoch").longValue();
    }

    private int numberingMember() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> cluster.numbersMessages(1) || cluster.numbersMessages(2));
        return cluster.numbersMessages(1) ? 1 : 2;
    }

    @Test
    @Order(1)
    void killingTheNumberingMemberLosesRepeatsAndReordersNothing() throws Exception {
        long epoch = -1;
        for (int round = 1; round <= 2; round++) {
            String channel = channel("failover-");
            int doomed = numberingMember();
            int survivor = 3 - doomed;
            List<URL> survivorFirst = List.of(cluster.member(survivor));
            try (HubClient stays = HubClient.connect(cluster.member(survivor), "stays");
                 Subscriber moves = new Subscriber(cluster.member(doomed), cluster.member(survivor), channel)) {
                stays.subscribe(channel);
                KeyedPublisher onSurvivor = new KeyedPublisher("p" + survivor, channel, survivorFirst);
                KeyedPublisher onDoomed = new KeyedPublisher("p" + doomed, channel, List.of(cluster.member(doomed), cluster.member(survivor)));
                onSurvivor.start();
                onDoomed.start();
                onSurvivor.awaitAcked(20);
                onDoomed.awaitAcked(20);

                cluster.kill(doomed);
                int before = onSurvivor.ackedCount();
                int beforeDoomed = onDoomed.ackedCount();
                // both publishers carry on (the doomed member's on the survivor) well after the takeover
                onSurvivor.awaitAcked(before + 40);
                onDoomed.awaitAcked(beforeDoomed + 40);
                onSurvivor.stop();
                onDoomed.stop();

                Map<String, long[]> acked = new HashMap<>();
                onSurvivor.acked.forEach((n, p) -> acked.put(onSurvivor.name + "-" + n, p));
                onDoomed.acked.forEach((n, p) -> acked.put(onDoomed.name + "-" + n, p));
                long last = acked.values().stream().mapToLong(p -> p[1]).max().orElseThrow();

                List<JsonObject> staysGot = awaitThrough(stays, channel, last);
                List<JsonObject> movesGot = moves.awaitThrough(last);
                long only = assertEveryAcknowledgedMessageOnceInOrder(acked, List.of(staysGot, movesGot));
                assertThat(moves.recovered).as("the moved subscriber resumed").isTrue();
                epoch = only;
            }
            cluster.restartMember(doomed);
        }
        assertThat(epoch).isPositive();
    }

    @Test
    @Order(2)
    void aFullRestartKeepsHistoryAndNumbering() throws Exception {
        String channel = channel("restart-");
        long epoch;
        try (HubClient client = HubClient.connect(cluster.member(1), "before")) {
            JsonObject ack = null;
            for (int n = 1; n <= 10; n++) {
                ack = client.call(Json.createObjectBuilder().add("type", "publish").add("channel", channel)
                        .add("data", Json.createObjectBuilder().add("n", n)));
                assertThat(isOk(ack)).isTrue();
            }
            epoch = epoch(ack);
            assertThat(seq(ack)).isEqualTo(10);
        }
        cluster.kill(1);
        cluster.kill(2);
        cluster.stopBroker();
        cluster.database("stop");
        cluster.database("start");
        cluster.startBroker();
        cluster.restartMember(1);
        cluster.restartMember(2);

        try (HubClient reader = HubClient.connect(cluster.member(2), "after")) {
            JsonObject history = reader.call(Json.createObjectBuilder().add("type", "history").add("channel", channel));
            List<JsonObject> messages = history.getJsonObject("data").getJsonArray("messages").stream().map(v -> v.asJsonObject()).toList();
            assertThat(messages).hasSize(10);
            assertThat(messages.stream().map(HistoryClusterIT::seq).toList()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(messages).allMatch(m -> epoch(m) == epoch);

            JsonObject resumed = reader.call(Json.createObjectBuilder().add("type", "subscribe").add("channel", channel)
                    .add("since", Json.createObjectBuilder().add("epoch", epoch).add("seq", 7)));
            assertThat(resumed.getJsonObject("data").getBoolean("recovered")).isTrue();
            eventually(Duration.ofSeconds(60), () -> isOk(reader.call(Json.createObjectBuilder().add("type", "publish")
                    .add("channel", channel).add("key", "after-restart").add("data", Json.createObjectBuilder().add("n", 11)))));
            List<JsonObject> got = reader.awaitMessages(channel, 4);
            assertThat(got.stream().map(HistoryClusterIT::seq).toList()).containsExactly(8L, 9L, 10L, 11L);
            assertThat(epoch(got.get(3))).isEqualTo(epoch);
        }
    }

    @Test
    @Order(3)
    void theDatabaseGoingDownFailsHistoryPublishesOnlyAndRecoversByItself() throws Exception {
        String history = channel("kept-");
        String live = channel("live.");
        try (HubClient a = HubClient.connect(cluster.member(1), "a");
             HubClient b = HubClient.connect(cluster.member(2), "b")) {
            b.subscribe(history);
            b.subscribe(live);
            assertThat(isOk(a.call("publish", history, Json.createObjectBuilder().add("n", 1).build()))).isTrue();

            cluster.database("kill");
            boolean restarted = false;
            try {
                JsonObject refused = a.call("publish", history, Json.createObjectBuilder().add("n", 2).build());
                assertThat(errorCode(refused)).isEqualTo("unavailable");
                eventually(Duration.ofSeconds(30), () -> cluster.readiness(1) == 503 && cluster.readiness(2) == 503);
                // live-only channels keep working without the database, once the store calls that were
                // in flight at the kill have failed (they may wait out the pool's socketTimeout, 10 s)
                eventually(Duration.ofSeconds(30), () -> isOk(a.call("publish", live, Json.createObjectBuilder().add("n", 1).build())));
                b.await(e -> "message".equals(e.getString("type")) && live.equals(e.getString("channel")));
                cluster.database("start");
                restarted = true;
            } finally {
                if (!restarted) cluster.database("start"); // the tests after this one need the database
            }
            eventually(Duration.ofSeconds(60), () -> cluster.readiness(1) == 200 && cluster.readiness(2) == 200);
            eventually(Duration.ofSeconds(60), () -> isOk(a.call("publish", history, Json.createObjectBuilder().add("n", 3).build())));
            List<JsonObject> got = b.awaitMessages(history, 2);
            assertThat(got.stream().map(m -> m.getJsonObject("data").getInt("n")).toList()).containsExactly(1, 3);
            assertThat(seq(got.get(1))).isEqualTo(seq(got.get(0)) + 1);
        }
    }

    /** Last: it leaves member 1 dead. */
    @Test
    @Order(5)
    void theDemoPageMovesToTheOtherMemberWhenItsOwnIsKilled() throws Exception {
        try (DemoFailover failover = new DemoFailover(cluster)) {
            failover.alicesPageMovesToTheOtherMemberWhenHersIsKilled();
        }
    }

    @Test
    @Order(4)
    void aBrokerOutageLosesRepeatsAndReordersNothingOnEitherMember() throws Exception {
        for (int round = 1; round <= 2; round++) {
            String channel = channel("outage-");
            try (HubClient on1 = HubClient.connect(cluster.member(1), "on1");
                 HubClient on2 = HubClient.connect(cluster.member(2), "on2")) {
                on1.subscribe(channel);
                on2.subscribe(channel);
                KeyedPublisher p1 = new KeyedPublisher("p1", channel, List.of(cluster.member(1)));
                KeyedPublisher p2 = new KeyedPublisher("p2", channel, List.of(cluster.member(2)));
                p1.start();
                p2.start();
                p1.awaitAcked(20);
                p2.awaitAcked(20);
                cluster.stopBroker();
                eventually(Duration.ofSeconds(30), () -> cluster.readiness(1) == 503 || cluster.readiness(2) == 503);
                cluster.startBroker();
                eventually(Duration.ofSeconds(90), () -> cluster.readiness(1) == 200 && cluster.readiness(2) == 200);
                int after1 = p1.ackedCount();
                int after2 = p2.ackedCount();
                p1.awaitAcked(after1 + 40);
                p2.awaitAcked(after2 + 40);
                p1.stop();
                p2.stop();

                Map<String, long[]> acked = new HashMap<>();
                p1.acked.forEach((n, p) -> acked.put("p1-" + n, p));
                p2.acked.forEach((n, p) -> acked.put("p2-" + n, p));
                long last = acked.values().stream().mapToLong(p -> p[1]).max().orElseThrow();
                assertEveryAcknowledgedMessageOnceInOrder(acked,
                        List.of(awaitThrough(on1, channel, last), awaitThrough(on2, channel, last)));
            }
        }
    }

    /**
     * Each subscriber's messages: contiguous positions, no message twice, each publisher's in its
     * order, every acknowledged one at the position its acknowledgement named, all in one epoch,
     * and the same message at the same position for every subscriber. Returns the epoch.
     */
    private static long assertEveryAcknowledgedMessageOnceInOrder(Map<String, long[]> acked, List<List<JsonObject>> subscribers) {
        Map<Long, String> bySeq = new HashMap<>();
        for (List<JsonObject> got : subscribers) {
            Map<String, long[]> delivered = new HashMap<>();
            Map<String, Integer> lastN = new HashMap<>();
            long previous = -1;
            for (JsonObject m : got) {
                JsonObject data = m.getJsonObject("data");
                String key = data.getString("p") + "-" + data.getInt("n");
                assertThat(delivered.put(key, new long[]{epoch(m), seq(m)})).as("delivered twice: %s", key).isNull();
                if (previous >= 0) {
                    assertThat(seq(m)).as("contiguous after %d", previous).isEqualTo(previous + 1);
                }
                previous = seq(m);
                Integer earlier = lastN.put(data.getString("p"), data.getInt("n"));
                assertThat(earlier == null || earlier < data.getInt("n")).as("order of %s", key).isTrue();
                String before = bySeq.putIfAbsent(seq(m), data.toString());
                assertThat(before == null || before.equals(data.toString())).as("same message at seq %d", seq(m)).isTrue();
            }
            acked.forEach((key, position) -> {
                assertThat(delivered).as("acknowledged %s delivered", key).containsKey(key);
                assertThat(delivered.get(key)).as("position of %s", key).containsExactly(position);
            });
        }
        Set<Long> epochs = new HashSet<>();
        acked.values().forEach(p -> epochs.add(p[0]));
        assertThat(epochs).as("one epoch").hasSize(1);
        return epochs.iterator().next();
    }

    private static List<JsonObject> awaitThrough(HubClient client, String channel, long lastSeq) {
        return client.awaitCount(e -> "message".equals(e.getString("type")) && channel.equals(e.getString("channel", null))
                && seq(e) >= lastSeq, 1).isEmpty() ? List.of() : client.messages(channel).stream()
                .filter(m -> seq(m) <= lastSeq).toList();
    }

    private static void eventually(Duration bound, Callable<Boolean> condition) {
        Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(condition);
    }

    /**
     * A subscriber that, when its member dies, resumes on another member from the last position it
     * saw, as the client library does. Its messages are what it got on both connections, in order.
     */
    private static final class Subscriber implements AutoCloseable {
        private final String channel;
        private final URL fallback;
        private HubClient first;
        private HubClient second;
        volatile boolean recovered;

        Subscriber(URL member, URL fallback, String channel) {
            this.channel = channel;
            this.fallback = fallback;
            this.first = HubClient.connect(member, "moves");
            first.subscribe(channel);
        }

        List<JsonObject> awaitThrough(long lastSeq) {
            try {
                first.awaitClose();
            } catch (RuntimeException e) {
                // killed: the socket failed without a close frame
            }
            List<JsonObject> before = first.messages(channel);
            if (second == null) {
                JsonObject last = before.isEmpty() ? null : before.get(before.size() - 1);
                second = HubClient.connect(fallback, "moved");
                JsonObject reply = second.call(Json.createObjectBuilder().add("type", "subscribe").add("channel", channel)
                        .add("since", Json.createObjectBuilder().add("epoch", last == null ? 0 : epoch(last))
                                .add("seq", last == null ? 0 : seq(last))));
                recovered = reply.getJsonObject("data").getBoolean("recovered", false);
            }
            List<JsonObject> after = HistoryClusterIT.awaitThrough(second, channel, lastSeq);
            List<JsonObject> all = new ArrayList<>(before);
            all.addAll(after);
            return all;
        }

        @Override
        public void close() {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    /**
     * Publishes {"p": name, "n": 1, 2, 3, …} with key name-n, one at a time; a publication that is
     * not acknowledged (unavailable, or the connection died) is sent again with the same key, on
     * the next member that answers, until it is.
     */
    private static final class KeyedPublisher implements Runnable {
        final String name;
        private final String channel;
        private final List<URL> members;
        final Map<Integer, long[]> acked = new ConcurrentHashMap<>();
        private final AtomicInteger count = new AtomicInteger();
        private final Thread thread;
        /** Counted down by {@link #stop()}; the publisher paces itself by waiting on it, so a stop wakes it at once. */
        private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        private volatile Throwable failure;

        KeyedPublisher(String name, String channel, List<URL> members) {
            this.name = name;
            this.channel = channel;
            this.members = members;
            this.thread = new Thread(this, "publisher-" + name);
        }

        void start() {
            thread.start();
        }

        int ackedCount() {
            return count.get();
        }

        void awaitAcked(int n) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> failure != null || count.get() >= n);
            assertThat(failure).isNull();
        }

        void stop() throws InterruptedException {
            stopped.countDown();
            thread.join(60_000);
            assertThat(thread.isAlive()).isFalse();
            assertThat(failure).isNull();
        }

        /** Waits {@code millis} unless the publisher is stopped first. */
        private void pause(long millis) throws InterruptedException {
            stopped.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            HubClient client = null;
            int member = 0;
            int n = 1;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            try {
                while (stopped.getCount() > 0 && System.nanoTime() < deadline) {
                    try {
                        if (client == null || client.isClosed()) {
                            client = HubClient.connect(members.get(member % members.size()), name);
                        }
                        JsonObject reply = client.call(Json.createObjectBuilder().add("type", "publish").add("channel", channel)
                                .add("key", name + "-" + n)
                                .add("data", Json.createObjectBuilder().add("p", name).add("n", n)));
                        if (isOk(reply)) {
                            acked.put(n, new long[]{epoch(reply), seq(reply)});
                            count.incrementAndGet();
                            n++;
                            pause(20); // pacing: about 40 publications a second
                        } else {
                            pause(200); // unavailable: retry the same key
                        }
                    } catch (RuntimeException e) {
                        // the member went away (connect refused, connection closed): the next one
                        if (client != null) {
                            client.close();
                        }
                        client = null;
                        member++;
                        pause(200);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (client != null) {
                    client.close();
                }
            }
        }
    }
}
