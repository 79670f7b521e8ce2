package org.switchboard.hub;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishCallback;
import org.switchboard.bus.PublishLedger;
import org.switchboard.config.TestSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's own logic on the in-memory bus: what each request means, the errors it answers,
 * presence, the confirmation of publications and the order of a publisher's messages. The same
 * beans run on Payara; the ITs prove the wiring there.
 */
class HubLogicTest {

    private TestHub hub = new TestHub(TestSettings.defaults());

    @AfterEach
    void stop() {
        hub.close();
    }

    private static String text(int n) {
        return "{\"n\":" + n + "}";
    }

    @Test
    void aPublicationReachesEverySubscriberInOrderAndIsConfirmedAfterItsEcho() {
        TestHub.Client alice = hub.connect("alice");
        TestHub.Client bob = hub.connect("bob");
        TestHub.Client outsider = hub.connect("outsider");
        alice.subscribe("lobby");
        bob.subscribe("lobby");
        outsider.subscribe("elsewhere");

        for (int i = 1; i <= 50; i++) {
            alice.request("publish", "p" + i, "lobby", text(i));
        }

        List<JsonObject> received = bob.awaitOfType("message", 50);
        assertThat(received).extracting(m -> m.getJsonObject("data").getInt("n")).containsExactlyElementsOf(range(1, 50));
        assertThat(received).extracting(m -> m.getJsonNumber("seq").longValue()).containsExactlyElementsOf(rangeLong(1, 50));
        assertThat(received).allMatch(m -> m.getJsonObject("from").getString("name").equals("alice"));
        // the publisher is subscribed: each ok comes after its own echo
        alice.awaitReply("p50");
        List<String> order = alice.sink.envelopes().stream()
                .map(e -> e.getString("type").equals("message") ? "m" + e.getJsonObject("data").getInt("n")
                        : e.getString("id", "")).toList();
        for (int i = 1; i <= 50; i++) {
            assertThat(order.indexOf("m" + i)).isLessThan(order.indexOf("p" + i));
        }
        assertThat(outsider.ofType("message")).isEmpty();
        assertThat(hub.metrics.publishedCount()).isEqualTo(50);
        assertThat(hub.ledger.awaiting()).isZero();
    }

    @Test
    void theWelcomeComesFirstAndNamesTheConnectionAndItsLimits() {
        TestHub.Client ann = hub.connect("Ann");
        JsonObject welcome = ann.awaitEnvelope(e -> true);
        assertThat(welcome.getString("type")).isEqualTo("welcome");
        assertThat(welcome.getJsonObject("data").getString("name")).isEqualTo("Ann");
        assertThat(welcome.getJsonObject("data").getString("connection")).isEqualTo(ann.connection.id());
        assertThat(welcome.getJsonObject("data").getJsonObject("limits").getInt("maxSubscriptions")).isEqualTo(100);
    }

    @Test
    void badRequestsGetTheDocumentedErrorWithTheirIdAndNobodyElseNotices() {
        hub.close();
        hub = new TestHub(TestSettings.with(2, 3));
        TestHub.Client bad = hub.connect("bad");
        TestHub.Client canary = hub.connect("canary");
        canary.subscribe("lobby");

        bad.request("subscribe", "1", "no spaces allowed", null);
        assertThat(code(bad.awaitReply("1"))).isEqualTo("invalid_channel");

        bad.subscribe("a");
        bad.subscribe("b");
        bad.request("subscribe", "3", "c", null);
        assertThat(code(bad.awaitReply("3"))).isEqualTo("too_many_subscriptions");

        bad.send("{\"type\":\"publish\",\"id\":\"4\",\"channel\":");
        // a frame that is not JSON is answered without an id: none can be trusted from it
        assertThat(code(bad.awaitEnvelope(e -> "reply".equals(e.getString("type")) && !e.containsKey("id")
                && "malformed_json".equals(e.getJsonObject("data").getJsonObject("error").getString("code")))))
                .isEqualTo("malformed_json");
        bad.send("{\"type\":\"shout\",\"id\":\"5\"}");
        assertThat(code(bad.awaitReply("5"))).isEqualTo("unknown_type");
        bad.send("{\"type\":\"publish\",\"id\":\"6\",\"channel\":\"lobby\"}");
        assertThat(code(bad.awaitReply("6"))).isEqualTo("missing_field");
        hub.requests.binaryFrame(bad.connection);
        assertThat(code(bad.awaitEnvelope(e -> "reply".equals(e.getString("type")) && !e.containsKey("id")
                && "binary_not_supported".equals(e.getJsonObject("data").getJsonObject("error").getString("code")))))
                .isEqualTo("binary_not_supported");

        for (int i = 0; i < 4; i++) {
            bad.request("publish", "r" + i, "lobby", text(i));
        }
        assertThat(code(bad.awaitReply("r3"))).isEqualTo("rate_limited");

        canary.awaitOfType("message", 3);
        assertThat(canary.ofType("message")).hasSize(3);
        assertThat(canary.ofType("reply")).hasSize(1); // its own subscribe
        assertThat(hub.metrics.errorReplies()).isEqualTo(7);
    }

    @Test
    void presenceFollowsSubscriptionsAndEveryoneSeesJoinAndLeave() {
        TestHub.Client alice = hub.connect("alice");
        TestHub.Client bob = hub.connect("bob");
        alice.subscribe("room");
        bob.subscribe("room");
        JsonObject join = alice.awaitEnvelope(e -> "join".equals(e.getString("type"))
                && "bob".equals(e.getJsonObject("data").getString("name")));
        assertThat(join.getString("channel")).isEqualTo("room");

        alice.request("presence", "q1", "room", null);
        assertThat(alice.awaitReply("q1").getJsonObject("data").getJsonArray("members"))
                .extracting(m -> m.asJsonObject().getString("name")).containsExactly("alice", "bob");

        bob.request("unsubscribe", "u1", "room", null);
        bob.awaitReply("u1");
        alice.awaitEnvelope(e -> "leave".equals(e.getString("type")) && "bob".equals(e.getJsonObject("data").getString("name")));
        assertThat(hub.presence.members("room")).extracting(m -> m.name()).containsExactly("alice");

        TestHub.Client carol = hub.connect("carol");
        carol.subscribe("room");
        carol.subscribe("other");
        carol.disconnect();
        alice.awaitEnvelope(e -> "leave".equals(e.getString("type")) && "carol".equals(e.getJsonObject("data").getString("name")));
        assertThat(hub.presence.members("room")).extracting(m -> m.name()).containsExactly("alice");
        assertThat(hub.presence.members("other")).isEmpty();
    }

    @Test
    void aPublicationTheBusNeverConfirmsIsAnsweredUnavailableByTheWatchdog() {
        hub.close();
        PublishLedger ledger = new PublishLedger(0);
        List<HubEvent> swallowed = new ArrayList<>();
        MessageBus blackHole = new MessageBus() {
            @Override
            public void start(BatchHandler handler) {
            }

            @Override
            public void publish(HubEvent event, PublishCallback done) {
                PublishLedger.Pending pending = ledger.open(event, done);
                ledger.awaitEcho(pending);
                swallowed.add(pending.event());
            }

            @Override
            public void expireOverdue() {
                ledger.expireOverdue();
            }

            @Override
            public boolean isReady() {
                return ledger.isUsable();
            }

            @Override
            public void stop() {
            }
        };
        hub = new TestHub(TestSettings.defaults(), ledger, blackHole);
        TestHub.Client alice = hub.connect("alice");
        alice.request("publish", "lost", "lobby", text(1));
        assertThat(swallowed).hasSize(1);
        assertThat(alice.ofType("reply")).isEmpty();

        blackHole.expireOverdue();
        assertThat(code(alice.awaitReply("lost"))).isEqualTo("unavailable");
        assertThat(blackHole.isReady()).isFalse();

        // a late echo changes nothing: the publisher was answered once
        ledger.confirm(swallowed.get(0).at(1, 1));
        assertThat(alice.sink.envelopes().stream().filter(e -> "lost".equals(e.getString("id", null)))).hasSize(1);
    }

    @Test
    void aStoppedBusAnswersUnavailableAtOnce() {
        TestHub.Client alice = hub.connect("alice");
        hub.bus.stop();
        alice.request("publish", "x", "lobby", text(1));
        assertThat(code(alice.awaitReply("x"))).isEqualTo("unavailable");
    }

    @Test
    void concurrentPublishersKeepTheirOwnOrderAndTheChannelIsNumberedWithoutGaps() throws Exception {
        hub.close();
        hub = new TestHub(TestSettings.with(100, 100_000));
        TestHub.Client reader = hub.connect("reader");
        reader.subscribe("busy");
        int publishers = 4;
        int each = 200;
        List<TestHub.Client> clients = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            clients.add(hub.connect("pub" + p));
        }
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        CountDownLatch go = new CountDownLatch(1);
        for (TestHub.Client client : clients) {
            pool.submit(() -> {
                go.await();
                for (int i = 1; i <= each; i++) {
                    client.request("publish", null, "busy", text(i));
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        List<JsonObject> messages = reader.awaitOfType("message", publishers * each);
        assertThat(messages).extracting(m -> m.getJsonNumber("seq").longValue())
                .containsExactlyElementsOf(rangeLong(1, publishers * each));
        for (TestHub.Client client : clients) {
            List<Integer> own = messages.stream()
                    .filter(m -> m.getJsonObject("from").getString("connection").equals(client.connection.id()))
                    .map(m -> m.getJsonObject("data").getInt("n")).toList();
            assertThat(own).containsExactlyElementsOf(range(1, each));
        }
    }

    private static String code(JsonObject reply) {
        assertThat(reply.getJsonObject("data").getBoolean("ok")).isFalse();
        return reply.getJsonObject("data").getJsonObject("error").getString("code");
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    private static List<Long> rangeLong(int from, int to) {
        return range(from, to).stream().map(Integer::longValue).toList();
    }
}
