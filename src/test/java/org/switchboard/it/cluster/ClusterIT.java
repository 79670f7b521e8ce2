package org.switchboard.it.cluster;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.ReconnectingHubClient;
import org.switchboard.it.support.ServerLogOnFailure;
import org.switchboard.it.support.TestTokens;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.HubClient.errorCode;
import static org.switchboard.it.support.HubClient.isOk;

/**
 * The same WAR on two Payara instances sharing one broker, built by the server-config scripts
 * (the {@link SharedCluster}). The tests run in order because later ones redeploy the application
 * on a member, kill a member and stop the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    /** Documented bound for a dead member's presence to vanish (docs/operations.md). */
    static final Duration PRESENCE_BOUND = Duration.ofSeconds(20);

    @RegisterExtension
    static final SharedCluster SHARED = new SharedCluster();
    private final LocalCluster cluster = SHARED.cluster();
    @RegisterExtension
    final ServerLogOnFailure memberLogs = new ServerLogOnFailure(cluster::memberLogs);

    private static String channel(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @Order(1)
    void everyMemberDeliversEveryMessageOnceInTheSameOrderWithTheSameSequence() throws Exception {
        String channel = channel("order");
        int publishersPerMember = 16;
        int perPublisher = 95; // within the default per-connection burst, so nothing is rate limited
        int total = 2 * publishersPerMember * perPublisher;
        try (HubClient a = HubClient.connect(cluster.member(1), "a");
             HubClient b = HubClient.connect(cluster.member(2), "b")) {
            a.subscribe(channel);
            b.subscribe(channel);
            List<HubClient> publishers = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int m = 1; m <= 2; m++) {
                    for (int p = 0; p < publishersPerMember; p++) {
                        publishers.add(HubClient.connect(cluster.member(m), "p" + m + "-" + p));
                    }
                }
                List<Future<?>> sends = new ArrayList<>();
                for (HubClient publisher : publishers) {
                    sends.add(pool.submit(() -> {
                        String last = null;
                        for (int i = 0; i < perPublisher; i++) {
                            last = publisher.request("publish", channel, Json.createObjectBuilder().add("n", i).build());
                        }
                        return publisher.reply(last);
                    }));
                }
                for (Future<?> send : sends) {
                    send.get();
                }
                for (HubClient publisher : publishers) {
                    assertThat(publisher.snapshot(e -> "reply".equals(e.getString("type")) && !isOk(e))).isEmpty();
                }
            } finally {
                pool.shutdownNow();
                publishers.forEach(HubClient::close);
            }
            List<JsonObject> atA = a.awaitMessages(channel, total);
            List<JsonObject> atB = b.awaitMessages(channel, total);
            assertThat(atA).hasSize(total);
            assertThat(atB).hasSize(total);
            long epoch = atA.get(0).getJsonNumber("epoch").longValue();
            for (int i = 0; i < total; i++) {
                JsonObject x = atA.get(i);
                JsonObject y = atB.get(i);
                assertThat(x.getJsonNumber("seq").longValue()).isEqualTo(i + 1);
                assertThat(y.getJsonNumber("seq").longValue()).isEqualTo(i + 1);
                assertThat(x.getJsonNumber("epoch").longValue()).isEqualTo(epoch);
                assertThat(y.getJsonNumber("epoch").longValue()).isEqualTo(epoch);
                assertThat(y.getJsonObject("from")).isEqualTo(x.getJsonObject("from"));
                assertThat(y.getJsonObject("data")).isEqualTo(x.getJsonObject("data"));
            }
            // every publisher's messages, exactly once each and in its own order
            for (String publisher : atA.stream().map(m -> m.getJsonObject("from").getString("connection")).distinct().toList()) {
                List<Integer> ns = atA.stream().filter(m -> publisher.equals(m.getJsonObject("from").getString("connection")))
                        .map(m -> m.getJsonObject("data").getInt("n")).toList();
                assertThat(ns).hasSize(perPublisher).isSorted().doesNotHaveDuplicates();
            }
        }
    }

    /** A back end's REST publication on one member reaches both, numbered in line with socket publications. */
    @Test
    @Order(1)
    void restPublicationsReachBothMembersInOrderWithSocketPublications() throws Exception {
        String channel = channel("rest");
        try (HubClient a = HubClient.connect(cluster.member(1), "a");
             HubClient b = HubClient.connect(cluster.member(2), "b")) {
            a.subscribe(channel);
            b.subscribe(channel);
            assertThat(a.call("publish", channel, Json.createValue(1))).is(HubClient.OK);
            HttpResponse<String> rest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            cluster.member(2).toURI().resolve("api/channels/" + channel + "/messages"))
                    .header("Authorization", "Bearer " + TestTokens.token("orders-service"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":2}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
            assertThat(b.call("publish", channel, Json.createValue(3))).is(HubClient.OK);

            List<JsonObject> atA = a.awaitMessages(channel, 3);
            List<JsonObject> atB = b.awaitMessages(channel, 3);
            assertThat(atA).extracting(m -> m.get("data").toString()).containsExactly("1", "2", "3");
            assertThat(atB).extracting(m -> m.getJsonNumber("seq").longValue())
                    .containsExactlyElementsOf(atA.stream().map(m -> m.getJsonNumber("seq").longValue()).toList());
            assertThat(atB.get(1).getJsonObject("from").getString("connection")).isEqualTo("rest");
        }
    }

    /**
     * The application is disabled and enabled again on member 1 only (through the DAS), while
     * member 1 holds present connections on several channels. Member 2 must see every one of them
     * leave — gone from its {@code presence} answers, and a {@code leave} to its subscribers —
     * within {@link #PRESENCE_BOUND} of member 1's application starting again ("entries it left in
     * presence are removed when it starts again", docs/operations.md), and member 1 must serve
     * again afterwards. Runs before the tests that kill a member and stop the broker.
     */
    @Test
    @Order(2)
    void presenceOfAMemberWhoseApplicationIsRedeployedLeavesTheOtherMembersView() throws Exception {
        List<String> channels = List.of(channel("redeploy-a"), channel("redeploy-b"), channel("redeploy-c"));
        int perChannel = 4;
        List<HubClient> opened = new ArrayList<>();
        boolean disabled = false;
        try {
            // subscribers on member 2 that stay connected throughout, each on every channel
            List<HubClient> watchers = new ArrayList<>();
            for (int w = 1; w <= 2; w++) {
                HubClient watcher = HubClient.connect(cluster.member(2), "watcher-" + w);
                opened.add(watcher);
                watchers.add(watcher);
                for (String channel : channels) {
                    watcher.subscribe(channel);
                }
            }
            List<String> watcherIds = watchers.stream().map(ClusterIT::connectionId).toList();

            // present connections on member 1: four per channel
            Map<String, List<String>> onMember1 = new LinkedHashMap<>();
            List<HubClient> member1Clients = new ArrayList<>();
            for (int c = 0; c < channels.size(); c++) {
                String channel = channels.get(c);
                List<String> ids = new ArrayList<>();
                for (int k = 1; k <= perChannel; k++) {
                    HubClient client = HubClient.connect(cluster.member(1), "m1-c" + c + "-" + k);
                    opened.add(client);
                    member1Clients.add(client);
                    client.subscribe(channel);
                    ids.add(connectionId(client));
                }
                onMember1.put(channel, List.copyOf(ids));
            }
            for (HubClient watcher : watchers) {
                onMember1.forEach((channel, ids) -> ids.forEach(id -> watcher.await(presenceEvent("join", channel, id))));
            }
            for (String channel : channels) {
                List<String> expected = new ArrayList<>(watcherIds);
                expected.addAll(onMember1.get(channel));
                assertThat(connections(watchers.get(0).call("presence", channel, null)))
                        .as("presence on %s before the redeploy", channel).containsExactlyInAnyOrderElementsOf(expected);
            }

            // the application stops on member 1 only
            assertThat(cluster.httpStatus(1, "/switchboard/")).isEqualTo(200);
            disabled = true;
            cluster.disableApp(1);
            eventually(Duration.ofSeconds(30), () -> cluster.httpStatus(1, "/switchboard/") == 404);
            try {
                eventually(Duration.ofSeconds(30), () -> member1Clients.stream().allMatch(HubClient::isClosed));
            } catch (ConditionTimeoutException e) {
                // asserted at the end, with what the clients got (0: still open)
            }
            List<Integer> closeCodes = member1Clients.stream().map(c -> c.isClosed() ? closeCode(c) : 0).toList();
            assertThat(cluster.httpStatus(2, "/switchboard/")).as("member 2 still serves").isEqualTo(200);
            assertThat(watchers).as("member 2's subscribers").noneMatch(HubClient::isClosed);
            // what member 2 shows while member 1 is down (not asserted: entries left behind go when it starts again)
            for (String channel : channels) {
                System.out.printf("[redeploy] member 1 disabled: presence on %s via member 2 = %s, leaves so far %s (member 1's: %s)%n",
                        channel, connections(watchers.get(0).call("presence", channel, null)),
                        presenceEventConnections(watchers.get(0), "leave", channel), onMember1.get(channel));
            }

            // ... and starts again: its entries leave member 2's view within the bound
            cluster.enableApp(1);
            disabled = false;
            long started = System.nanoTime();
            Awaitility.await("member 1's presence entries to leave member 2's view after its application started again")
                    .atMost(PRESENCE_BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        SoftAssertions soft = new SoftAssertions();
                        for (String channel : channels) {
                            List<String> mine = onMember1.get(channel);
                            soft.assertThat(connections(watchers.get(0).call("presence", channel, null)))
                                    .as("(a) presence on %s asked on member 2, must list none of member 1's %s", channel, mine)
                                    .doesNotContainAnyElementsOf(mine)
                                    .containsAll(watcherIds);
                            for (HubClient watcher : watchers) {
                                soft.assertThat(presenceEventConnections(watcher, "leave", channel))
                                        .as("(b) leave events on %s received by %s on member 2, must include all of %s",
                                                channel, connectionId(watcher), mine)
                                        .containsAll(mine);
                            }
                        }
                        soft.assertAll();
                    });
            System.out.printf("[redeploy] member 1's presence left member 2's view %d ms after enable returned; close codes %s%n",
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), closeCodes);

            // member 1 serves again: a new client there subscribes and publishes, member 2 receives it
            eventually(Duration.ofSeconds(60), () -> cluster.readiness(1) == 200 && cluster.httpStatus(1, "/switchboard/") == 200);
            String channel = channels.get(0);
            try (HubClient back = HubClient.connect(cluster.member(1), "back")) {
                String backId = connectionId(back);
                back.subscribe(channel);
                for (HubClient watcher : watchers) {
                    watcher.await(presenceEvent("join", channel, backId));
                }
                assertThat(back.call("publish", channel, Json.createObjectBuilder().add("text", "back again").build())).is(HubClient.OK);
                for (HubClient watcher : watchers) {
                    JsonObject message = watcher.await(e -> "message".equals(e.getString("type"))
                            && channel.equals(e.getString("channel", null))
                            && "back again".equals(e.getJsonObject("data").getString("text", "")));
                    assertThat(message.getJsonObject("from").getString("connection")).isEqualTo(backId);
                }
                assertThat(connections(watchers.get(1).call("presence", channel, null))).contains(backId);
            }
            assertThat(watchers).as("member 2's subscribers").noneMatch(HubClient::isClosed);
            assertThat(closeCodes).as("close codes member 1's clients got when its application stopped (drained)").containsOnly(1012);
        } finally {
            opened.forEach(HubClient::close);
            if (disabled) {
                try {
                    cluster.enableApp(1);
                } catch (Exception e) {
                    System.err.println("[redeploy] enabling the application on member 1 again failed: " + e);
                }
            }
        }
    }

    @Test
    @Order(3)
    void presenceIsClusterWideAndSurvivesTheLossOfAMember() throws Exception {
        String channel = channel("presence");
        try (HubClient a = HubClient.connect(cluster.member(1), "alice")) {
            a.subscribe(channel);
            try (HubClient b = HubClient.connect(cluster.member(2), "bob")) {
                String bob = b.welcome().getJsonObject("data").getString("connection");
                b.subscribe(channel);
                a.await(e -> "join".equals(e.getString("type")) && bob.equals(e.getJsonObject("data").getString("connection")));
                assertThat(names(a.call("presence", channel, null))).containsExactly("alice", "bob");
                assertThat(names(b.call("presence", channel, null))).containsExactly("alice", "bob");
                assertThat(b.call("unsubscribe", channel, null)).is(HubClient.OK);
                a.await(e -> "leave".equals(e.getString("type")) && bob.equals(e.getJsonObject("data").getString("connection")));
            }

            try (ReconnectingHubClient carol = new ReconnectingHubClient(List.of(cluster.member(2), cluster.member(1)), "carol")) {
                String before = carol.current().welcome().getJsonObject("data").getString("connection");
                carol.subscribe(channel);
                a.await(e -> "join".equals(e.getString("type")) && before.equals(e.getJsonObject("data").getString("connection")));

                cluster.kill(2);
                int code = carol.awaitDropAndReconnect();
                assertThat(code).isNotEqualTo(1000);
                assertThat(carol.connectedTo()).isEqualTo(cluster.member(1));
                String after = carol.current().welcome().getJsonObject("data").getString("connection");

                // the dead member's connection leaves everybody's presence within the bound
                eventually(PRESENCE_BOUND, () -> !connections(a.call("presence", channel, null)).contains(before));
                a.await(e -> "leave".equals(e.getString("type")) && before.equals(e.getJsonObject("data").getString("connection")));
                assertThat(connections(a.call("presence", channel, null))).contains(after);

                // and carol carries on from member 1
                assertThat(carol.current().call("publish", channel, Json.createObjectBuilder().add("text", "still here").build())).is(HubClient.OK);
                a.await(e -> "message".equals(e.getString("type")) && "still here".equals(e.getJsonObject("data").getString("text", "")));
                a.call("publish", channel, Json.createObjectBuilder().add("text", "welcome back").build());
                carol.current().await(e -> "message".equals(e.getString("type")) && "welcome back".equals(e.getJsonObject("data").getString("text", "")));
            }
        }
    }

    @Test
    @Order(4)
    void brokerLossIsReportedAndRecoveredWithoutRedeploy() throws Exception {
        String channel = channel("broker");
        try (HubClient a = HubClient.connect(cluster.member(1), "alice")) {
            a.subscribe(channel);
            assertThat(cluster.readiness(1)).isEqualTo(200);

            cluster.stopBroker();
            // answered either way within the publish timeout: unavailable (not stored, never delivered),
            // or ok when the member that numbers had stored it before its send to the topic failed
            JsonObject reply = a.call("publish", channel, Json.createObjectBuilder().add("text", "during outage").build());
            boolean stored = isOk(reply);
            if (!stored) {
                assertThat(errorCode(reply)).isEqualTo("unavailable");
            }
            eventually(Duration.ofSeconds(30), () -> cluster.readiness(1) == 503);

            cluster.startBroker();
            eventually(Duration.ofSeconds(90), () -> cluster.readiness(1) == 200);
            eventually(Duration.ofSeconds(60), () -> isOk(a.call("publish", channel, Json.createObjectBuilder().add("text", "after outage").build())));
            JsonObject delivered = a.await(e -> "message".equals(e.getString("type")) && "after outage".equals(e.getJsonObject("data").getString("text", "")));
            assertThat(delivered.getString("channel")).isEqualTo(channel);
            List<String> texts = a.messages(channel).stream().map(m -> m.getJsonObject("data").getString("text", "")).toList();
            // an acknowledged publication is delivered (before the later one); an unavailable one never
            assertThat(texts).containsExactlyElementsOf(stored ? List.of("during outage", "after outage") : List.of("after outage"));
        }
    }

    private static String connectionId(HubClient client) {
        return client.welcome().getJsonObject("data").getString("connection");
    }

    private static Predicate<JsonObject> presenceEvent(String type, String channel, String connection) {
        return e -> type.equals(e.getString("type")) && channel.equals(e.getString("channel", null))
                && connection.equals(e.getJsonObject("data").getString("connection"));
    }

    /** Connections of the join or leave events a client has received on a channel so far. */
    private static List<String> presenceEventConnections(HubClient client, String type, String channel) {
        return client.snapshot(e -> type.equals(e.getString("type")) && channel.equals(e.getString("channel", null)))
                .stream().map(e -> e.getJsonObject("data").getString("connection")).toList();
    }

    /** The close code a closed client got from the server; -1 if its socket failed without a close frame. */
    private static int closeCode(HubClient client) {
        try {
            return client.awaitClose();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static List<String> names(JsonObject presence) {
        return members(presence, "name");
    }

    private static List<String> connections(JsonObject presence) {
        return members(presence, "connection");
    }

    private static List<String> members(JsonObject presence, String field) {
        return presence.getJsonObject("data").getJsonArray("members").stream()
                .map(m -> m.asJsonObject().getString(field)).toList();
    }

    /** Polls remote state until the condition holds, failing after the bound. */
    private static void eventually(Duration bound, Callable<Boolean> condition) {
        Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(250)).until(condition);
    }
}
