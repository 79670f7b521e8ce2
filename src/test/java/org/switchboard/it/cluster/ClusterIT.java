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
import org.switchboard.it.support.ReconnectingHubClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.HubClient.errorCode;
import static org.switchboard.it.support.HubClient.isOk;

/**
 * The same WAR on two Payara instances sharing one broker, built by the server-config scripts.
 * The tests run in order because later ones kill a member and stop the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    /** Documented bound for a dead member's presence to vanish (docs/operations.md). */
    static final Duration PRESENCE_BOUND = Duration.ofSeconds(20);

    private final LocalCluster cluster = new LocalCluster();
    private final Thread stopOnExit = new Thread(cluster::stop, "stop-local-cluster");

    @BeforeAll
    void startCluster() throws Exception {
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        cluster.start();
    }

    @AfterAll
    void stopCluster() {
        cluster.stop();
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }

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

    @Test
    @Order(2)
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
                assertThat(isOk(b.call("unsubscribe", channel, null))).isTrue();
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
                assertThat(isOk(carol.current().call("publish", channel, Json.createObjectBuilder().add("text", "still here").build()))).isTrue();
                a.await(e -> "message".equals(e.getString("type")) && "still here".equals(e.getJsonObject("data").getString("text", "")));
                a.call("publish", channel, Json.createObjectBuilder().add("text", "welcome back").build());
                carol.current().await(e -> "message".equals(e.getString("type")) && "welcome back".equals(e.getJsonObject("data").getString("text", "")));
            }
        }
    }

    @Test
    @Order(3)
    void brokerLossIsReportedAndRecoveredWithoutRedeploy() throws Exception {
        String channel = channel("broker");
        try (HubClient a = HubClient.connect(cluster.member(1), "alice")) {
            a.subscribe(channel);
            assertThat(cluster.readiness(1)).isEqualTo(200);

            cluster.stopBroker();
            JsonObject reply = a.call("publish", channel, Json.createObjectBuilder().add("text", "during outage").build());
            assertThat(isOk(reply)).isFalse();
            assertThat(errorCode(reply)).isEqualTo("unavailable");
            eventually(Duration.ofSeconds(30), () -> cluster.readiness(1) == 503);

            cluster.startBroker();
            eventually(Duration.ofSeconds(90), () -> cluster.readiness(1) == 200);
            eventually(Duration.ofSeconds(60), () -> isOk(a.call("publish", channel, Json.createObjectBuilder().add("text", "after outage").build())));
            JsonObject delivered = a.await(e -> "message".equals(e.getString("type")) && "after outage".equals(e.getJsonObject("data").getString("text", "")));
            assertThat(delivered.getString("channel")).isEqualTo(channel);
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
