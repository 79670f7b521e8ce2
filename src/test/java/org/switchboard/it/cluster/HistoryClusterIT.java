package org.switchboard.it.cluster;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.switchboard.client.Message;
import org.switchboard.client.PublishResult;
import org.switchboard.client.SubscriptionListener;
import org.switchboard.client.SwitchboardClient;
import org.switchboard.client.SwitchboardException;
import org.switchboard.client.Unrecovered;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.JmsPublisherExample;
import org.switchboard.it.support.ServerLogOnFailure;
import org.switchboard.it.support.TestTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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

    @RegisterExtension
    static final SharedCluster SHARED = new SharedCluster();
    private final LocalCluster cluster = SHARED.cluster();
    @RegisterExtension
    final ServerLogOnFailure memberLogs = new ServerLogOnFailure(cluster::memberLogs);

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
                 Subscriber moves = new Subscriber("moves", channel, List.of(cluster.member(doomed), cluster.member(survivor)))) {
                stays.subscribe(channel);
                KeyedPublisher onSurvivor = new KeyedPublisher("p" + survivor, channel, survivorFirst);
                KeyedPublisher onDoomed = new KeyedPublisher("p" + doomed, channel, List.of(cluster.member(doomed), cluster.member(survivor)));
                onSurvivor.start();
                onDoomed.start();
                onSurvivor.awaitCount(20);
                onDoomed.awaitCount(20);
                LocalCluster.note("round " + round + ": 20 acknowledged on each publisher");

                cluster.kill(doomed);
                int before = onSurvivor.count();
                int beforeDoomed = onDoomed.count();
                // both publishers carry on (the doomed member's on the survivor) well after the takeover
                onSurvivor.awaitCount(before + 40);
                onDoomed.awaitCount(beforeDoomed + 40);
                onSurvivor.stop();
                onDoomed.stop();
                LocalCluster.note("round " + round + ": 40 more acknowledged on each publisher after the kill");

                Map<String, long[]> acked = new HashMap<>();
                onSurvivor.acked.forEach((n, p) -> acked.put(onSurvivor.name + "-" + n, p));
                onDoomed.acked.forEach((n, p) -> acked.put(onDoomed.name + "-" + n, p));
                long last = acked.values().stream().mapToLong(p -> p[1]).max().orElseThrow();

                List<JsonObject> staysGot = awaitThrough(stays, channel, last);
                List<JsonObject> movesGot = moves.awaitThrough(last);
                LocalCluster.note("round " + round + ": both subscribers have every acknowledged message");
                long only = assertEveryAcknowledgedMessageOnceInOrder(acked, List.of(staysGot, movesGot));
                assertThat(moves.resumedRecovered()).as("the moved subscriber resumed, and was told it recovered").isTrue();
                assertThat(moves.gaps).as("gaps the moved subscriber could not fill").isEmpty();
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
                assertThat(ack).is(HubClient.OK);
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
        cluster.restartMembers(1, 2);

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
            // both members take live.* for live-only: its subscriptions carry no position
            assertThat(b.subscribe(live).getJsonObject("data").containsKey("epoch")).as("live-only on member 2").isFalse();
            assertThat(a.subscribe(live).getJsonObject("data").containsKey("epoch")).as("live-only on member 1").isFalse();
            assertThat(a.call("publish", history, Json.createObjectBuilder().add("n", 1).build())).is(HubClient.OK);

            cluster.database("kill");
            boolean restarted = false;
            try {
                JsonObject refused = a.call("publish", history, Json.createObjectBuilder().add("n", 2).build());
                assertThat(errorCode(refused)).isEqualTo("unavailable");
                eventually(Duration.ofSeconds(30), () -> cluster.readiness(1) == 503 && cluster.readiness(2) == 503);
                // live-only channels keep working without the database, once the store calls that were
                // in flight at the kill have failed (they may wait out the pool's socketTimeout, 10 s)
                eventually(Duration.ofSeconds(60), () -> accepted(a.call("publish", live, Json.createObjectBuilder().add("n", 1).build())));
                b.await(e -> "message".equals(e.getString("type")) && live.equals(e.getString("channel")));
                cluster.database("start");
                restarted = true;
            } finally {
                if (!restarted) cluster.database("start"); // the tests after this one need the database
            }
            eventually(Duration.ofSeconds(60), () -> cluster.readiness(1) == 200 && cluster.readiness(2) == 200);
            eventually(Duration.ofSeconds(60), () -> accepted(a.call("publish", history, Json.createObjectBuilder().add("n", 3).build())));
            List<JsonObject> got = b.awaitMessages(history, 2);
            assertThat(got.stream().map(m -> m.getJsonObject("data").getInt("n")).toList()).containsExactly(1, 3);
            assertThat(seq(got.get(1))).isEqualTo(seq(got.get(0)) + 1);
        }
    }

    /** Last: it leaves member 1 dead. */
    @Test
    @Order(6)
    void theDemoPageMovesToTheOtherMemberWhenItsOwnIsKilled() throws Exception {
        try (DemoFailover failover = new DemoFailover(cluster)) {
            failover.alicesPageMovesToTheOtherMemberWhenHersIsKilled();
        }
    }

    /**
     * Each member's application is disabled and enabled again in turn, as a rolling redeploy does,
     * while Java clients on both members subscribe and publish: a member that stops drains (its
     * clients are told 1012 and move to the other member), and every acknowledged message reaches
     * every subscriber once, in order; at the end every client is connected again.
     */
    @Test
    @Order(4)
    void aRollingRedeployLosesNothingAndEveryClientEndsUpConnected() throws Exception {
        String channel = channel("rolling-");
        List<URL> oneFirst = List.of(cluster.member(1), cluster.member(2));
        List<URL> twoFirst = List.of(cluster.member(2), cluster.member(1));
        try (Subscriber s1 = new Subscriber("r1", channel, oneFirst);
             Subscriber s2 = new Subscriber("r2", channel, twoFirst)) {
            KeyedPublisher p1 = new KeyedPublisher("q1", channel, oneFirst);
            KeyedPublisher p2 = new KeyedPublisher("q2", channel, twoFirst);
            p1.start();
            p2.start();
            p1.awaitCount(20);
            p2.awaitCount(20);
            for (int member = 1; member <= 2; member++) {
                int stopped = member;
                cluster.disableApp(stopped); // returns once the member has drained and stopped the application
                p1.awaitCount(p1.count() + 20);
                p2.awaitCount(p2.count() + 20);
                LocalCluster.note("20 more acknowledged on each publisher with member " + stopped + " disabled");
                cluster.enableApp(stopped);
                eventually(Duration.ofSeconds(90), () -> cluster.readiness(stopped) == 200);
                LocalCluster.note("member " + stopped + " ready again");
            }
            p1.awaitCount(p1.count() + 20);
            p2.awaitCount(p2.count() + 20);
            p1.stop();
            p2.stop();

            Map<String, long[]> acked = new HashMap<>();
            p1.acked.forEach((n, p) -> acked.put("q1-" + n, p));
            p2.acked.forEach((n, p) -> acked.put("q2-" + n, p));
            long last = acked.values().stream().mapToLong(p -> p[1]).max().orElseThrow();
            List<List<JsonObject>> delivered = List.of(s1.awaitThrough(last), s2.awaitThrough(last));
            for (Subscriber s : List.of(s1, s2)) {
                assertThat(s.gaps).as("gaps of %s, longest time away %d ms", s.name, s.longestAwayMillis()).isEmpty();
                assertThat(s.resumedRecovered()).as("every resume of %s recovered", s.name).isTrue();
            }
            assertEveryAcknowledgedMessageOnceInOrder(acked, delivered);
            for (Subscriber s : List.of(s1, s2)) {
                assertThat(s.closeCodes).as("what the drained members told their clients").contains(1012);
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> s.client.state() == SwitchboardClient.State.CONNECTED);
            }
        }
    }

    @Test
    @Order(5)
    void aBrokerOutageLosesRepeatsAndReordersNothingOnEitherMember() throws Exception {
        for (int round = 1; round <= 2; round++) {
            String channel = channel("outage-");
            String viaJms = channel("outage-jms-");
            try (HubClient on1 = HubClient.connect(cluster.member(1), "on1");
                 HubClient on2 = HubClient.connect(cluster.member(2), "on2")) {
                on1.subscribe(channel);
                on2.subscribe(channel);
                on1.subscribe(viaJms);
                on2.subscribe(viaJms);
                KeyedPublisher p1 = new KeyedPublisher("p1", channel, List.of(cluster.member(1)));
                KeyedPublisher p2 = new KeyedPublisher("p2", channel, List.of(cluster.member(2)));
                JmsSender jms = new JmsSender(cluster.member(round), viaJms);
                p1.start();
                p2.start();
                jms.start();
                p1.awaitCount(20);
                p2.awaitCount(20);
                jms.awaitCount(20);
                cluster.stopBroker();
                eventually(Duration.ofSeconds(30), () -> cluster.readiness(1) == 503 || cluster.readiness(2) == 503);
                cluster.startBroker();
                eventually(Duration.ofSeconds(90), () -> cluster.readiness(1) == 200 && cluster.readiness(2) == 200);
                int after1 = p1.count();
                int after2 = p2.count();
                int afterJms = jms.count();
                p1.awaitCount(after1 + 40);
                p2.awaitCount(after2 + 40);
                jms.awaitCount(afterJms + 40);
                p1.stop();
                p2.stop();
                jms.stop();

                Map<String, long[]> acked = new HashMap<>();
                p1.acked.forEach((n, p) -> acked.put("p1-" + n, p));
                p2.acked.forEach((n, p) -> acked.put("p2-" + n, p));
                long last = acked.values().stream().mapToLong(p -> p[1]).max().orElseThrow();
                assertEveryAcknowledgedMessageOnceInOrder(acked,
                        List.of(awaitThrough(on1, channel, last), awaitThrough(on2, channel, last)));
                jms.assertEveryAcceptedOnce(on1);
                jms.assertEveryAcceptedOnce(on2);
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

    /**
     * Waits for {@code condition}; on time-out the failure names the last exception it threw, what
     * each member's readiness said then (which of topic, store, draining was DOWN) and where the
     * hub's own threads of a member that is not ready stood.
     */
    private void eventually(Duration bound, Callable<Boolean> condition) {
        AtomicReference<Exception> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(250)).until(() -> {
                try {
                    return condition.call();
                } catch (Exception e) {
                    last.set(e);
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            StringBuilder why = new StringBuilder(e.getMessage()).append("; last exception: ").append(last.get())
                    .append("; readiness:");
            for (int member = 1; member <= 2; member++) {
                String readiness = cluster.readinessBody(member);
                why.append("\nmember ").append(member).append(' ').append(readiness);
                if (!readiness.startsWith("200 ")) {
                    why.append('\n').append(cluster.threadDump(member));
                }
            }
            throw new AssertionError(why.toString(), e);
        }
    }

    /** True for an {@code ok} reply; any other reply is thrown, so a time-out says what the hub answered. */
    private static boolean accepted(JsonObject reply) {
        if (!isOk(reply)) {
            throw new IllegalStateException("answered " + reply);
        }
        return true;
    }

    /** The hub's WebSocket endpoint of a member's base URL. */
    private static URI endpoint(URL base) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + (base.toString().endsWith("/") ? "" : "/") + "ws");
    }

    /** A Java client (java-client) for {@code name}, trying the members in the given order. */
    private static SwitchboardClient client(String name, List<URL> members) {
        return client(name, members, change -> { });
    }

    private static SwitchboardClient client(String name, List<URL> members, Consumer<SwitchboardClient.StateChange> states) {
        return SwitchboardClient.builder(members.stream().map(HistoryClusterIT::endpoint).toList())
                .token(() -> TestTokens.token(name))
                .offlineQueue(10_000)
                .onState(change -> {
                    LocalCluster.note("client " + name + ": " + change);
                    states.accept(change);
                })
                .build();
    }

    /**
     * A subscriber on the Java client: when its member dies, the client resumes it on the next
     * member from the last position it delivered. Its messages are what it delivered, in order.
     */
    private static final class Subscriber implements AutoCloseable, SubscriptionListener {
        final String name;
        final SwitchboardClient client;
        final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
        private final List<JsonObject> messages = new CopyOnWriteArrayList<>();
        private final List<Boolean> resumes = new CopyOnWriteArrayList<>();
        final List<Unrecovered> gaps = new CopyOnWriteArrayList<>();
        private final AtomicLong disconnectedAt = new AtomicLong();
        private final AtomicLong longestAway = new AtomicLong();

        Subscriber(String name, String channel, List<URL> members) throws Exception {
            this.name = name;
            client = client(name, members, change -> {
                if (change.state() == SwitchboardClient.State.DISCONNECTED) {
                    closeCodes.add(change.code());
                    disconnectedAt.compareAndSet(0, System.nanoTime());
                } else if (change.state() == SwitchboardClient.State.CONNECTED) {
                    long since = disconnectedAt.getAndSet(0);
                    if (since != 0) {
                        longestAway.accumulateAndGet(System.nanoTime() - since, Math::max);
                    }
                }
            });
            client.connect().get(60, TimeUnit.SECONDS);
            client.subscribe(channel, null, this).ready().get(60, TimeUnit.SECONDS);
        }

        @Override
        public void message(Message message) {
            messages.add(message.envelope());
        }

        @Override
        public void unrecovered(Unrecovered gap) {
            gaps.add(gap);
        }

        @Override
        public void subscribed(boolean resumed, Boolean recovered) {
            if (resumed) {
                resumes.add(Boolean.TRUE.equals(recovered));
            }
        }

        /** The longest time from a disconnection to the next connection (shown when a resume failed). */
        long longestAwayMillis() {
            return TimeUnit.NANOSECONDS.toMillis(longestAway.get());
        }

        /** Whether it resumed at least once, and every resume was recovered. */
        boolean resumedRecovered() {
            return !resumes.isEmpty() && !resumes.contains(false);
        }

        List<JsonObject> awaitThrough(long lastSeq) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> messages.stream().anyMatch(m -> seq(m) >= lastSeq));
            return messages.stream().filter(m -> seq(m) <= lastSeq).toList();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * A back end sending {"n": 1, 2, 3, …} to the JMS ingress through the example application on a
     * member, without keys (the hub keys each by its JMS message id). A send the example answered
     * 202 is in the broker; one that failed or timed out may or may not be.
     */
    private static final class JmsSender extends Background {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final URI orders;
        private final String channel;
        final Set<Integer> accepted = ConcurrentHashMap.newKeySet();

        JmsSender(URL member, String channel) {
            super("jms-sender");
            this.orders = URI.create(member.toString()).resolve("/" + JmsPublisherExample.NAME + "/orders?channel=" + channel);
            this.channel = channel;
        }

        @Override
        int count() {
            return accepted.size();
        }

        /** Every accepted send reached {@code subscriber} once, and nothing reached it twice. */
        void assertEveryAcceptedOnce(HubClient subscriber) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> numbers(subscriber).containsAll(accepted));
            List<Integer> got = subscriber.messages(channel).stream().map(m -> m.getJsonObject("data").getInt("n")).toList();
            assertThat(got).as("JMS ingress messages delivered twice").doesNotHaveDuplicates();
            List<Long> seqs = subscriber.messages(channel).stream().map(HistoryClusterIT::seq).toList();
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("contiguous after %d", seqs.get(i - 1)).isEqualTo(seqs.get(i - 1) + 1);
            }
        }

        private Set<Integer> numbers(HubClient subscriber) {
            Set<Integer> got = new HashSet<>();
            subscriber.messages(channel).forEach(m -> got.add(m.getJsonObject("data").getInt("n")));
            return got;
        }

        @Override
        void loop(long deadline) throws Exception {
            for (int n = 1; stopped.getCount() > 0 && System.nanoTime() < deadline; n++) {
                HttpRequest send = HttpRequest.newBuilder(orders).timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}")).build();
                try {
                    if (HTTP.send(send, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                        accepted.add(n);
                    }
                } catch (IOException e) {
                    // the member or its broker link is down: this one may or may not be queued
                }
                stopped.await(25, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** A loop on a thread of its own, bounded (5 minutes) and stopped at once by {@link #stop()}; counts what it achieved. */
    private abstract static class Background implements Runnable {
        private final Thread thread;
        /** Counted down by {@link #stop()}; loops pace themselves by waiting on it, so a stop wakes them at once. */
        final CountDownLatch stopped = new CountDownLatch(1);
        private volatile Throwable failure;

        Background(String name) {
            thread = new Thread(this, name);
        }

        abstract int count();

        abstract void loop(long deadlineNanos) throws Throwable;

        void start() {
            thread.start();
        }

        void awaitCount(int n) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> failure != null || count() >= n);
            assertThat(failure).isNull();
        }

        void stop() throws InterruptedException {
            stopped.countDown();
            thread.join(60_000);
            assertThat(thread.isAlive()).isFalse();
            assertThat(failure).isNull();
        }

        @Override
        public final void run() {
            try {
                loop(System.nanoTime() + Duration.ofMinutes(5).toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /**
     * Publishes {"p": name, "n": 1, 2, 3, …} with key name-n, one at a time, on the Java client:
     * it sends a publication again after a dropped connection, on the next member that answers,
     * and after {@code unavailable}; one it gave up on is published again with the same key.
     */
    private static final class KeyedPublisher extends Background {
        final String name;
        private final String channel;
        private final List<URL> members;
        final Map<Integer, long[]> acked = new ConcurrentHashMap<>();
        private final AtomicInteger count = new AtomicInteger();

        KeyedPublisher(String name, String channel, List<URL> members) {
            super("publisher-" + name);
            this.name = name;
            this.channel = channel;
            this.members = members;
        }

        @Override
        int count() {
            return count.get();
        }

        @Override
        void loop(long deadline) throws Throwable {
            try (SwitchboardClient client = client(name, members)) {
                client.connect();
                int n = 1;
                CompletableFuture<PublishResult> inFlight = null;
                while (stopped.getCount() > 0 && System.nanoTime() < deadline) {
                    if (inFlight == null) {
                        inFlight = client.publish(channel, Json.createObjectBuilder().add("p", name).add("n", n).build(), name + "-" + n);
                    }
                    try {
                        PublishResult result = inFlight.get(250, TimeUnit.MILLISECONDS);
                        acked.put(n, new long[]{result.epoch(), result.seq()});
                        count.incrementAndGet();
                        n++;
                        inFlight = null;
                        stopped.await(20, TimeUnit.MILLISECONDS); // pacing: about 40 publications a second
                    } catch (TimeoutException e) {
                        // not answered yet (the client may be reconnecting): wait on
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof SwitchboardException refused) || !refused.retryable()) {
                            throw e.getCause();
                        }
                        inFlight = null; // the client gave up retrying: the same key again
                        stopped.await(200, TimeUnit.MILLISECONDS);
                    }
                }
            }
        }
    }
}
