package org.switchboard.hub;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishCallback;
import org.switchboard.bus.PublishLedger;
import org.switchboard.config.HistoryTestSettings;
import org.switchboard.config.HubSettings;
import org.switchboard.config.TestSettings;
import org.switchboard.history.ChannelNumbering;
import org.switchboard.history.JdbcHistoryStore;
import org.switchboard.history.RetentionRules;
import org.switchboard.history.TestHistory;
import org.switchboard.protocol.Position;
import org.switchboard.protocol.StoredMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Channel history through the hub's own logic (requests, in-memory bus, numbering on an H2 store,
 * delivery pipeline): publish positions, idempotent keys, resume with {@code since}, the
 * {@code history} request, and the pipeline's gap filling.
 */
class HistoryLogicTest {

    private static final String RULES = "live.*=live, short.*=3/1h";

    private TestHub hub = new TestHub(settings());
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        hub.close();
    }

    private static HubSettings settings() {
        return HistoryTestSettings.channels(TestSettings.with(100, 1_000_000), RULES);
    }

    private static String text(int n) {
        return "{\"n\":" + n + "}";
    }

    // ---- requests as a client writes them

    private static void publish(TestHub.Client client, String id, String channel, int n, String key) {
        client.send("{\"type\":\"publish\",\"id\":\"" + id + "\",\"channel\":\"" + channel + "\""
                + (key == null ? "" : ",\"key\":\"" + key + "\"") + ",\"data\":" + text(n) + "}");
    }

    private static JsonObject subscribeSince(TestHub.Client client, String id, String channel, long epoch, long seq) {
        client.send("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"channel\":\"" + channel
                + "\",\"since\":{\"epoch\":" + epoch + ",\"seq\":" + seq + "}}");
        return client.awaitReply(id);
    }

    private static JsonObject history(TestHub.Client client, String id, String channel, String extra) {
        client.send("{\"type\":\"history\",\"id\":\"" + id + "\",\"channel\":\"" + channel + "\"" + extra + "}");
        return client.awaitReply(id);
    }

    private static JsonObject data(JsonObject envelope) {
        return envelope.getJsonObject("data");
    }

    private static long epochOf(JsonObject reply) {
        return data(reply).getJsonNumber("epoch").longValue();
    }

    private static long seqOf(JsonObject reply) {
        return data(reply).getJsonNumber("seq").longValue();
    }

    private static String code(JsonObject reply) {
        assertThat(data(reply).getBoolean("ok")).isFalse();
        return data(reply).getJsonObject("error").getString("code");
    }

    private static List<Long> seqs(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    /** Publishes n = from..to on the channel and waits for the last reply; returns that reply. */
    private static JsonObject publishAll(TestHub.Client client, String channel, int from, int to) {
        for (int i = from; i <= to; i++) {
            publish(client, channel + "-p" + i, channel, i, null);
        }
        return client.awaitReply(channel + "-p" + to);
    }

    /** Messages of a channel a client received, as seqs, once it received the one with {@code lastSeq}. */
    private static List<Long> receivedUpTo(TestHub.Client client, String channel, long lastSeq) {
        List<JsonObject> messages = await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> client.ofType("message").stream().filter(m -> channel.equals(m.getString("channel"))).toList(),
                        l -> l.stream().anyMatch(m -> m.getJsonNumber("seq").longValue() == lastSeq));
        return seqs(messages);
    }

    private static int indexOf(TestHub.Client client, String id) {
        List<JsonObject> all = client.sink.envelopes();
        for (int i = 0; i < all.size(); i++) {
            if (id.equals(all.get(i).getString("id", null))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfMessage(TestHub.Client client, long seq) {
        List<JsonObject> all = client.sink.envelopes();
        for (int i = 0; i < all.size(); i++) {
            if ("message".equals(all.get(i).getString("type")) && all.get(i).getJsonNumber("seq").longValue() == seq) {
                return i;
            }
        }
        return -1;
    }

    // ---- publish

    @Test
    void aPublishReplyCarriesTheChannelPosition() {
        TestHub.Client alice = hub.connect("alice");
        List<JsonObject> replies = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            publish(alice, "p" + i, "room", i, null);
            replies.add(alice.awaitReply("p" + i));
        }
        long epoch = epochOf(replies.get(0));
        assertThat(epoch).isPositive();
        assertThat(replies).allSatisfy(r -> {
            assertThat(data(r).getBoolean("ok")).isTrue();
            assertThat(epochOf(r)).isEqualTo(epoch);
            assertThat(data(r)).doesNotContainKey("duplicate");
        });
        assertThat(replies).extracting(HistoryLogicTest::seqOf).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(hub.store.last("room")).isEqualTo(new Position(epoch, 5));

        // a live-only channel is numbered too, in its own (live) epoch, and stores nothing
        publish(alice, "l1", "live.cursor", 1, null);
        publish(alice, "l2", "live.cursor", 2, null);
        assertThat(seqOf(alice.awaitReply("l1"))).isEqualTo(1);
        assertThat(seqOf(alice.awaitReply("l2"))).isEqualTo(2);
        assertThat(epochOf(alice.awaitReply("l2"))).isPositive();
        assertThat(hub.store.last("live.cursor")).isNull();
    }

    @Test
    void aKeyedPublicationRetriedEvenFromAnotherConnectionIsDeliveredOnceAndAnsweredWithItsPosition() {
        TestHub.Client bob = hub.connect("bob");
        bob.subscribe("room");
        TestHub.Client alice = hub.connect("alice");

        publish(alice, "p1", "room", 1, "order-17");
        JsonObject first = alice.awaitReply("p1");
        publish(alice, "p2", "room", 1, "order-17");
        JsonObject retry = alice.awaitReply("p2");
        // alice's connection drops; she reconnects and retries once more
        alice.disconnect();
        TestHub.Client aliceAgain = hub.connect("alice");
        publish(aliceAgain, "p3", "room", 1, "order-17");
        JsonObject afterReconnect = aliceAgain.awaitReply("p3");
        publish(aliceAgain, "p4", "room", 2, "order-18");
        JsonObject next = aliceAgain.awaitReply("p4");

        assertThat(data(first)).doesNotContainKey("duplicate");
        assertThat(epochOf(first)).isPositive();
        assertThat(seqOf(first)).isEqualTo(1);
        for (JsonObject duplicate : List.of(retry, afterReconnect)) {
            assertThat(data(duplicate).getBoolean("ok")).isTrue();
            assertThat(data(duplicate).getBoolean("duplicate")).isTrue();
            assertThat(epochOf(duplicate)).isEqualTo(epochOf(first));
            assertThat(seqOf(duplicate)).isEqualTo(1);
        }
        assertThat(data(next)).doesNotContainKey("duplicate");
        assertThat(seqOf(next)).isEqualTo(2);

        // deliveries are in order: had a retry been delivered, it would be before seq 2
        List<Long> received = receivedUpTo(bob, "room", 2);
        assertThat(received).containsExactly(1L, 2L);
        assertThat(bob.ofType("message")).extracting(m -> m.getJsonObject("data").getInt("n")).containsExactly(1, 2);
        assertThat(hub.store.after("room", 0, 10)).hasSize(2);
        assertThat(hub.metrics.publishedCount()).isEqualTo(2);
    }

    @Test
    void anInvalidKeyIsRefusedAndNothingIsPublished() {
        TestHub.Client bob = hub.connect("bob");
        bob.subscribe("room");
        TestHub.Client alice = hub.connect("alice");
        publish(alice, "bad", "room", 1, "x".repeat(129));
        assertThat(code(alice.awaitReply("bad"))).isEqualTo("invalid_field");
        publish(alice, "empty", "room", 1, "");
        assertThat(code(alice.awaitReply("empty"))).isEqualTo("invalid_field");
        publish(alice, "good", "room", 2, "x".repeat(128));
        assertThat(seqOf(alice.awaitReply("good"))).isEqualTo(1);
        assertThat(receivedUpTo(bob, "room", 1)).containsExactly(1L);
    }

    // ---- subscribe and resume

    @Test
    void subscribingToAChannelWithHistoryAnswersItsPositionAndReplaysNothing() {
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 3));

        TestHub.Client bob = hub.connect("bob");
        bob.request("subscribe", "s", "room", null);
        JsonObject reply = bob.awaitReply("s");
        assertThat(data(reply).getBoolean("ok")).isTrue();
        assertThat(epochOf(reply)).isEqualTo(epoch);
        assertThat(seqOf(reply)).isEqualTo(3);
        assertThat(data(reply)).doesNotContainKeys("recovered", "earliest");

        publishAll(alice, "room", 4, 4);
        assertThat(receivedUpTo(bob, "room", 4)).containsExactly(4L);

        // a live-only channel answers a plain ok
        bob.request("subscribe", "l", "live.cursor", null);
        assertThat(data(bob.awaitReply("l")).keySet()).containsExactly("ok");
    }

    @Test
    void aClientThatComesBackWithItsLastPositionGetsExactlyTheMissedMessagesThenLiveOnes() {
        TestHub.Client alice = hub.connect("alice");
        TestHub.Client bob = hub.connect("bob");
        bob.subscribe("room");
        publishAll(alice, "room", 1, 3);
        List<JsonObject> seen = bob.awaitOfType("message", 3);
        long epoch = seen.get(2).getJsonNumber("epoch").longValue();
        long lastSeen = seen.get(2).getJsonNumber("seq").longValue();
        assertThat(lastSeen).isEqualTo(3);
        bob.disconnect();

        publishAll(alice, "room", 4, 8);

        TestHub.Client bobAgain = hub.connect("bob");
        JsonObject reply = subscribeSince(bobAgain, "resume", "room", epoch, lastSeen);
        assertThat(data(reply).getBoolean("ok")).isTrue();
        assertThat(data(reply).getBoolean("recovered")).isTrue();
        assertThat(epochOf(reply)).isEqualTo(epoch);
        assertThat(seqOf(reply)).isEqualTo(8);
        assertThat(data(reply)).doesNotContainKey("earliest");

        publishAll(alice, "room", 9, 10);
        assertThat(receivedUpTo(bobAgain, "room", 10)).containsExactlyElementsOf(range(4, 10));
        assertThat(bobAgain.ofType("message")).extracting(m -> m.getJsonObject("data").getInt("n"))
                .containsExactly(4, 5, 6, 7, 8, 9, 10);
        assertThat(bobAgain.ofType("message")).allMatch(m -> m.getJsonNumber("epoch").longValue() == epoch
                && "room".equals(m.getString("channel")) && "alice".equals(m.getJsonObject("from").getString("name")));
        // the reply comes first, then the missed messages
        assertThat(indexOf(bobAgain, "resume")).isLessThan(indexOfMessage(bobAgain, 4));
    }

    @Test
    void resumingFromNothingSeenReplaysTheWholeHistory() {
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 4));
        TestHub.Client bob = hub.connect("bob");
        JsonObject reply = subscribeSince(bob, "s", "room", 0, 0);
        assertThat(data(reply).getBoolean("recovered")).isTrue();
        assertThat(epochOf(reply)).isEqualTo(epoch);
        assertThat(receivedUpTo(bob, "room", 4)).containsExactly(1L, 2L, 3L, 4L);

        // and on a channel that never had a message: nothing to replay, live ones follow
        TestHub.Client carol = hub.connect("carol");
        JsonObject empty = subscribeSince(carol, "e", "quiet", 0, 0);
        assertThat(data(empty).getBoolean("recovered")).isTrue();
        assertThat(seqOf(empty)).isZero();
        publishAll(alice, "quiet", 1, 2);
        assertThat(receivedUpTo(carol, "quiet", 2)).containsExactly(1L, 2L);
    }

    @Test
    void aPositionFromAnotherEpochIsNotRecoveredAndSaysWhereHistoryStarts() {
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 5));

        TestHub.Client bob = hub.connect("bob");
        JsonObject reply = subscribeSince(bob, "s", "room", epoch - 1, 3);
        assertThat(data(reply).getBoolean("ok")).isTrue();
        assertThat(data(reply).getBoolean("recovered")).isFalse();
        assertThat(data(reply).getJsonNumber("earliest").longValue()).isEqualTo(1);
        assertThat(epochOf(reply)).isEqualTo(epoch);
        assertThat(seqOf(reply)).isEqualTo(5);

        // a position beyond what the channel holds cannot be resumed either
        TestHub.Client carol = hub.connect("carol");
        assertThat(data(subscribeSince(carol, "s", "room", epoch, 99)).getBoolean("recovered")).isFalse();

        // nothing is replayed; the subscription is live from here
        publishAll(alice, "room", 6, 6);
        assertThat(receivedUpTo(bob, "room", 6)).containsExactly(6L);
        assertThat(receivedUpTo(carol, "room", 6)).containsExactly(6L);
    }

    @Test
    void aPositionOlderThanRetentionIsNotRecoveredButOneAtItsEdgeIs() {
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "short.a", 1, 10));
        assertThat(hub.history.prune()).isEqualTo(7);
        assertThat(hub.store.after("short.a", 0, 100)).extracting(StoredMessage::seq).containsExactly(8L, 9L, 10L);

        TestHub.Client bob = hub.connect("bob");
        JsonObject tooOld = subscribeSince(bob, "old", "short.a", epoch, 6);
        assertThat(data(tooOld).getBoolean("recovered")).isFalse();
        assertThat(data(tooOld).getJsonNumber("earliest").longValue()).isEqualTo(8);
        assertThat(seqOf(tooOld)).isEqualTo(10);

        TestHub.Client carol = hub.connect("carol");
        JsonObject atTheEdge = subscribeSince(carol, "edge", "short.a", epoch, 7);
        assertThat(data(atTheEdge).getBoolean("recovered")).isTrue();

        TestHub.Client dave = hub.connect("dave");
        assertThat(data(subscribeSince(dave, "none", "short.a", epoch, 0)).getBoolean("recovered")).isFalse();

        publishAll(alice, "short.a", 11, 11);
        assertThat(receivedUpTo(bob, "short.a", 11)).containsExactly(11L);
        assertThat(receivedUpTo(carol, "short.a", 11)).containsExactly(8L, 9L, 10L, 11L);
        assertThat(receivedUpTo(dave, "short.a", 11)).containsExactly(11L);
    }

    @Test
    void aResumeOfMoreThanResumeMaxMessagesIsNotRecovered() {
        hub.close();
        hub = new TestHub(HistoryTestSettings.resumeMax(settings(), 5));
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 10));

        TestHub.Client bob = hub.connect("bob");
        JsonObject tooMany = subscribeSince(bob, "s", "room", epoch, 4); // 6 missed
        assertThat(data(tooMany).getBoolean("recovered")).isFalse();
        assertThat(data(tooMany).getJsonNumber("earliest").longValue()).isEqualTo(1);

        TestHub.Client carol = hub.connect("carol");
        JsonObject justEnough = subscribeSince(carol, "s", "room", epoch, 5); // 5 missed
        assertThat(data(justEnough).getBoolean("recovered")).isTrue();

        publishAll(alice, "room", 11, 11);
        assertThat(receivedUpTo(bob, "room", 11)).containsExactly(11L);
        assertThat(receivedUpTo(carol, "room", 11)).containsExactly(6L, 7L, 8L, 9L, 10L, 11L);
    }

    @Test
    void whileTheStoreIsDownHistoryChannelsRefuseButLiveOnlyChannelsWork() {
        hub.close();
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        hub = new TestHub(settings(), new PublishLedger(5000), null, TestHistory.store(database));
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 2));
        TestHub.Client bob = hub.connect("bob");
        bob.subscribe("live.cursor");

        database.down();
        publish(alice, "down", "room", 3, null);
        assertThat(code(alice.awaitReply("down"))).isEqualTo("unavailable");
        publish(alice, "live", "live.cursor", 1, null);
        assertThat(seqOf(alice.awaitReply("live"))).isEqualTo(1);
        assertThat(receivedUpTo(bob, "live.cursor", 1)).containsExactly(1L);

        // a resume cannot be served: the subscription is live, and says so
        JsonObject resume = subscribeSince(bob, "r", "room", epoch, 1);
        assertThat(data(resume).getBoolean("ok")).isTrue();
        assertThat(data(resume).getBoolean("recovered")).isFalse();
        assertThat(data(resume)).doesNotContainKeys("epoch", "seq");
        assertThat(code(history(bob, "h", "room", ""))).isEqualTo("unavailable");
        assertThat(hub.history.isReady()).isFalse();

        database.up();
        publish(alice, "back", "room", 3, null);
        JsonObject back = alice.awaitReply("back");
        assertThat(epochOf(back)).isEqualTo(epoch);
        assertThat(seqOf(back)).isEqualTo(3); // the refused one took no position
        assertThat(receivedUpTo(bob, "room", 3)).containsExactly(3L);
        assertThat(hub.history.isReady()).isTrue();
        assertThat(pageSeqs(history(bob, "h2", "room", ""))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void resumingWhileTheChannelIsFloodedNeverLosesOrRepeatsAMessage() throws Exception {
        TestHub.Client publisher = hub.connect("publisher");
        int rounds = 50;
        int perRound = 10;
        int total = rounds * perRound + perRound;
        Semaphore permits = new Semaphore(0);
        Future<?> flood = pool.submit(() -> {
            for (int i = 1; i <= total; i++) {
                permits.acquire();
                publisher.request("publish", null, "flood", text(i));
            }
            return null;
        });

        record Resumer(TestHub.Client client, long since) {
        }
        Random random = new Random(7);
        List<Resumer> resumers = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            permits.release(perRound); // the publisher floods while this client resumes
            Position last = hub.store.last("flood");
            long epoch = last == null ? 0 : last.epoch();
            long since = last == null ? 0 : Math.max(0, last.seq() - random.nextInt(20));
            TestHub.Client client = hub.connect("r" + round);
            client.send("{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"flood\",\"since\":{\"epoch\":" + epoch
                    + ",\"seq\":" + since + "}}");
            // generous: on a busy machine the writer threads are the bottleneck of this test
            JsonObject reply = await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(() -> client.sink.envelopes().stream().filter(e -> "s".equals(e.getString("id", null))).findFirst(),
                            java.util.Optional::isPresent).orElseThrow();
            assertThat(data(reply).getBoolean("recovered")).as("round %d", round).isTrue();
            resumers.add(new Resumer(client, since));
        }
        permits.release(perRound);
        flood.get(30, TimeUnit.SECONDS);
        assertThat(hub.store.last("flood").seq()).isEqualTo(total);

        java.util.Map<String, List<Long>> repeated = new java.util.TreeMap<>();
        java.util.Map<String, List<Long>> missing = new java.util.TreeMap<>();
        for (int r = 0; r < resumers.size(); r++) {
            Resumer resumer = resumers.get(r);
            List<Long> received = receivedUpTo(resumer.client(), "flood", total);
            java.util.Set<Long> seen = new java.util.HashSet<>();
            List<Long> twice = received.stream().filter(seq -> !seen.add(seq)).toList();
            List<Long> never = range(resumer.since() + 1, total).stream().filter(seq -> !seen.contains(seq)).toList();
            String who = "client %02d (since %d)".formatted(r, resumer.since());
            if (!twice.isEmpty()) {
                repeated.put(who, twice);
            }
            if (!never.isEmpty()) {
                missing.put(who, never);
            }
        }
        assertThat(repeated).as("messages a resumed client received twice").isEmpty();
        assertThat(missing).as("messages a resumed client never received").isEmpty();
        for (Resumer resumer : resumers) {
            assertThat(receivedUpTo(resumer.client(), "flood", total)).as("in order, from since + 1")
                    .containsExactlyElementsOf(range(resumer.since() + 1, total));
        }
    }

    /** Most clients of a reconnect storm saw the latest message: their resume reads no page of history. */
    @Test
    void aClientResumingFromTheLatestMessageReadsNoPageAndGetsWhatFollowsLive() {
        hub.close();
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        hub = new TestHub(settings(), new PublishLedger(5000), null, TestHistory.store(database));
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 3));
        java.util.function.LongSupplier pages = () -> database.prepared().stream().filter(sql -> sql.contains("seq > ?")).count();
        long pagesBefore = pages.getAsLong();

        TestHub.Client bob = hub.connect("bob");
        assertThat(data(subscribeSince(bob, "s", "room", epoch, 3)).getBoolean("recovered")).isTrue();
        assertThat(pages.getAsLong()).as("pages read for an up-to-date resume").isEqualTo(pagesBefore);
        publish(alice, "p4", "room", 4, null);
        assertThat(receivedUpTo(bob, "room", 4)).containsExactly(4L);

        TestHub.Client carol = hub.connect("carol");
        assertThat(data(subscribeSince(carol, "s", "room", epoch, 2)).getBoolean("recovered")).isTrue();
        assertThat(pages.getAsLong()).as("pages read for a resume one message behind").isEqualTo(pagesBefore + 1);
        assertThat(receivedUpTo(carol, "room", 4)).containsExactly(3L, 4L);
    }

    /**
     * Resumes that queue for the history readers while a storm keeps them busy share one read of
     * their channel's description; each still gets its own answer, and a page only when it missed
     * something.
     */
    @Test
    void resumesWaitingForTheReadersShareOneDescriptionOfTheirChannel() throws Exception {
        hub.close();
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        hub = new TestHub(settings(), new PublishLedger(5000), null, TestHistory.store(database));
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 3));
        java.util.function.LongSupplier descriptions = () -> database.prepared().stream()
                .filter(sql -> sql.contains("FROM sb_channel ch WHERE ch.channel = ?")).count();
        long before = descriptions.getAsLong();

        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(2);
        for (int reader = 0; reader < 2; reader++) {
            assertThat(hub.history.read(() -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).isTrue();
        }
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        List<TestHub.Client> resuming = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestHub.Client client = hub.connect("c" + i);
            client.send("{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"room\",\"since\":{\"epoch\":" + epoch
                    + ",\"seq\":" + (i % 2 == 0 ? 3 : 2) + "}}");
            resuming.add(client);
        }
        release.countDown();

        for (int i = 0; i < resuming.size(); i++) {
            assertThat(data(resuming.get(i).awaitReply("s")).getBoolean("recovered")).as("client %d", i).isTrue();
        }
        assertThat(descriptions.getAsLong() - before).as("descriptions read for 10 waiting resumes").isEqualTo(1);
        publish(alice, "p4", "room", 4, null);
        for (int i = 0; i < resuming.size(); i++) {
            assertThat(receivedUpTo(resuming.get(i), "room", 4)).as("client %d", i)
                    .containsExactlyElementsOf(i % 2 == 0 ? List.of(4L) : List.of(3L, 4L));
        }
    }

    /**
     * The numbering member stores a message before it reaches the members (on a cluster, through
     * the topic): a client that resumes in between reads it from the store, and then it arrives
     * live as well. It must reach the client once.
     */
    @Test
    void aMessageStoredButNotYetDeliveredWhenAClientResumesReachesItOnce() {
        SlowTopicBus bus = slowTopicHub();
        TestHub.Client alice = hub.connect("alice");
        for (int i = 1; i <= 3; i++) {
            publish(alice, "p" + i, "room", i, null);
        }
        bus.deliverHeld();
        long epoch = epochOf(alice.awaitReply("p3"));
        publish(alice, "p4", "room", 4, null); // stored, not delivered yet
        assertThat(hub.store.last("room")).isEqualTo(new Position(epoch, 4));

        TestHub.Client bob = hub.connect("bob");
        JsonObject reply = subscribeSince(bob, "s", "room", epoch, 3);
        assertThat(data(reply).getBoolean("recovered")).isTrue();
        assertThat(receivedUpTo(bob, "room", 4)).containsExactly(4L);

        bus.deliverHeld(); // now seq 4 reaches this member
        publish(alice, "p5", "room", 5, null);
        bus.deliverHeld();
        assertThat(receivedUpTo(bob, "room", 5)).containsExactly(4L, 5L);
    }

    // ---- history requests

    @Test
    void historyPagesForwardAndBackward() {
        hub.close();
        hub = new TestHub(HistoryTestSettings.pageMax(settings(), 5));
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 10));
        TestHub.Client bob = hub.connect("bob");

        JsonObject latest = history(bob, "h1", "room", ",\"limit\":3");
        assertThat(latest.getString("type")).isEqualTo("history");
        assertThat(latest.getString("channel")).isEqualTo("room");
        assertThat(data(latest).getJsonNumber("epoch").longValue()).isEqualTo(epoch);
        assertThat(data(latest).getJsonNumber("earliest").longValue()).isEqualTo(1);
        assertThat(data(latest).getJsonNumber("latest").longValue()).isEqualTo(10);
        assertThat(pageSeqs(latest)).containsExactly(8L, 9L, 10L);
        JsonObject eighth = data(latest).getJsonArray("messages").getJsonObject(0);
        assertThat(eighth.getString("type")).isEqualTo("message");
        assertThat(eighth.getString("channel")).isEqualTo("room");
        assertThat(eighth.getJsonNumber("epoch").longValue()).isEqualTo(epoch);
        assertThat(eighth.getJsonObject("from").getString("name")).isEqualTo("alice");
        assertThat(eighth.getJsonObject("data").getInt("n")).isEqualTo(8);

        String after = ",\"after\":{\"epoch\":" + epoch + ",\"seq\":%d},\"limit\":4";
        assertThat(pageSeqs(history(bob, "a1", "room", after.formatted(0)))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(pageSeqs(history(bob, "a2", "room", after.formatted(4)))).containsExactly(5L, 6L, 7L, 8L);
        assertThat(pageSeqs(history(bob, "a3", "room", after.formatted(8)))).containsExactly(9L, 10L);
        assertThat(pageSeqs(history(bob, "a4", "room", after.formatted(10)))).isEmpty();

        String before = ",\"before\":{\"epoch\":" + epoch + ",\"seq\":%d},\"limit\":2";
        assertThat(pageSeqs(history(bob, "b1", "room", before.formatted(5)))).containsExactly(3L, 4L);
        assertThat(pageSeqs(history(bob, "b2", "room", before.formatted(2)))).containsExactly(1L);

        // no limit, or one above the page maximum (5 here): the page maximum
        assertThat(pageSeqs(history(bob, "n1", "room", ""))).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(pageSeqs(history(bob, "n2", "room", ",\"limit\":50"))).containsExactly(6L, 7L, 8L, 9L, 10L);

        // a position of another epoch: nothing of it is left
        assertThat(pageSeqs(history(bob, "x1", "room", ",\"after\":{\"epoch\":" + (epoch - 1) + ",\"seq\":2}"))).isEmpty();
    }

    @Test
    void historyOfAChannelThatHoldsNothingIsAnEmptyPage() {
        TestHub.Client bob = hub.connect("bob");
        JsonObject page = history(bob, "h", "never.used", "");
        assertThat(page.getString("type")).isEqualTo("history");
        assertThat(data(page).getJsonNumber("epoch").longValue()).isZero();
        assertThat(data(page).getJsonNumber("earliest").longValue()).isZero();
        assertThat(data(page).getJsonNumber("latest").longValue()).isZero();
        assertThat(data(page).getJsonArray("messages")).isEmpty();
    }

    @Test
    void historyRequestErrors() {
        TestHub.Client alice = hub.connect("alice");
        long epoch = epochOf(publishAll(alice, "room", 1, 2));
        String position = "{\"epoch\":" + epoch + ",\"seq\":1}";

        assertThat(code(history(alice, "both", "room", ",\"after\":" + position + ",\"before\":" + position)))
                .isEqualTo("invalid_field");
        assertThat(code(history(alice, "zero", "room", ",\"limit\":0"))).isEqualTo("invalid_field");
        assertThat(code(history(alice, "neg", "room", ",\"limit\":-2"))).isEqualTo("invalid_field");
        assertThat(code(history(alice, "pos", "room", ",\"after\":{\"epoch\":1}"))).isEqualTo("invalid_field");
        assertThat(code(history(alice, "str", "room", ",\"before\":\"yesterday\""))).isEqualTo("invalid_field");
        assertThat(code(history(alice, "live", "live.cursor", ""))).isEqualTo("no_history");
        assertThat(code(history(alice, "name", "no spaces", ""))).isEqualTo("invalid_channel");
        assertThat(hub.metrics.errorReplies()).isEqualTo(7);
    }

    private static List<Long> pageSeqs(JsonObject page) {
        assertThat(page.getString("type")).isEqualTo("history");
        return data(page).getJsonArray("messages").stream()
                .map(m -> m.asJsonObject().getJsonNumber("seq").longValue()).toList();
    }

    // ---- the delivery pipeline

    /**
     * A member whose topic subscription lost messages: the pipeline sees seq 2, then 6. It tracks
     * only channels with local subscribers, so bob subscribes before anything is delivered; the
     * bus stores 1..6 at once but hands the pipeline only what the test says.
     */
    @Test
    void theDeliveryPipelineFillsAGapFromTheStoreAndDropsRepeats() {
        SlowTopicBus bus = slowTopicHub();
        TestHub.Client bob = hub.connect("bob");
        bob.subscribe("gap"); // the channel is empty: nothing to drop or replay
        TestHub.Client alice = hub.connect("alice");
        for (int i = 1; i <= 7; i++) {
            publish(alice, "p" + i, "gap", i, null);
        }
        List<HubEvent> numbered = bus.takeHeld(); // stored, none delivered yet
        assertThat(numbered).extracting(HubEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(hub.store.last("gap").seq()).isEqualTo(7);

        bus.deliver(numbered.get(1)); // seq 2: the first this member sees of the channel
        assertThat(receivedUpTo(bob, "gap", 2)).containsExactly(2L);

        bus.deliver(numbered.get(5)); // seq 6: 3..5 were lost on the way, and come from the store first
        assertThat(receivedUpTo(bob, "gap", 6)).containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(bob.ofType("message")).extracting(m -> m.getJsonObject("data").getInt("n")).containsExactly(2, 3, 4, 5, 6);
        assertThat(bob.ofType("message")).allMatch(m -> "alice".equals(m.getJsonObject("from").getString("name")));

        // late repeats are dropped; the next one passes
        bus.deliver(numbered.get(3));
        bus.deliver(numbered.get(0));
        bus.deliver(numbered.get(6));
        assertThat(receivedUpTo(bob, "gap", 7)).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
        // the publishers of what came back are answered; the lost ones are still waiting for their echo
        assertThat(seqOf(alice.awaitReply("p4"))).isEqualTo(4);
        assertThat(alice.ofType("reply").stream().filter(r -> "p3".equals(r.getString("id", null)))).isEmpty();
    }

    @Test
    void aStoredPublicationWhoseEchoIsLostIsAnsweredOkWithItsPositionByTheLateCheck() {
        SlowTopicBus bus = slowTopicHub(0); // every publication is overdue at the next watchdog pass
        TestHub.Client alice = hub.connect("alice");
        publish(alice, "lost-echo", "late", 1, null);
        assertThat(bus.takeHeld()).hasSize(1); // stored; its echo never comes
        bus.expireOverdue();
        JsonObject reply = alice.awaitReply("lost-echo");
        assertThat(reply.getJsonObject("data").getBoolean("ok")).isTrue();
        assertThat(seqOf(reply)).isEqualTo(1);
        assertThat(hub.store.last("late").seq()).isEqualTo(1);
    }

    @Test
    void aPublicationThatWasNeverStoredIsAnsweredUnavailableByTheLateCheck() {
        SlowTopicBus bus = slowTopicHub(0);
        TestHub.Client alice = hub.connect("alice");
        publish(alice, "p1", "late", 1, null);
        bus.takeHeld();
        hub.store.prune(channel -> null, System.currentTimeMillis(), 100); // as if it had never been stored
        bus.expireOverdue();
        JsonObject reply = alice.awaitReply("p1");
        assertThat(reply.getJsonObject("data").getBoolean("ok")).isFalse();
        assertThat(reply.getJsonObject("data").getJsonObject("error").getString("code")).isEqualTo("unavailable");
    }

    @Test
    void afterTheBusReconnectsAMemberCatchesUpFromTheStoreEvenOnAChannelNothingWasDeliveredOn() {
        SlowTopicBus bus = slowTopicHub();
        TestHub.Client bob = hub.connect("bob");
        bob.subscribe("cut-off");
        TestHub.Client alice = hub.connect("alice");
        for (int i = 1; i <= 3; i++) {
            publish(alice, "p" + i, "cut-off", i, null);
        }
        bus.takeHeld(); // stored while this member's topic subscription was away: never delivered by the topic
        hub.pipeline.resynchronise();
        assertThat(receivedUpTo(bob, "cut-off", 3)).containsExactly(1L, 2L, 3L);
        bus.deliver(); // nothing more; a repeat of seq 2 from the topic is dropped
        publish(alice, "p4", "cut-off", 4, null);
        List<HubEvent> next = bus.takeHeld();
        bus.deliver(next.get(0));
        assertThat(receivedUpTo(bob, "cut-off", 4)).containsExactly(1L, 2L, 3L, 4L);
    }

    /** A hub whose bus stores at once but delivers only on request ({@link SlowTopicBus}). */
    private SlowTopicBus slowTopicHub() {
        return slowTopicHub(settings().publishTimeoutMs());
    }

    private SlowTopicBus slowTopicHub(long publishTimeoutMs) {
        hub.close();
        HubSettings settings = settings();
        JdbcHistoryStore store = TestHistory.h2Store();
        PublishLedger ledger = new PublishLedger(publishTimeoutMs);
        SlowTopicBus bus = new SlowTopicBus(ledger, new ChannelNumbering(store,
                RetentionRules.parse(true, settings.historyMaxMessages(), settings.historyMaxAge(), RULES), "slow"));
        hub = new TestHub(settings, ledger, bus, store);
        TestHub current = hub;
        ledger.lateCheck(pending -> current.history.resolveLate(ledger, pending));
        return bus;
    }

    /**
     * A bus that numbers and stores each publication at once, like the numbering member, but hands
     * the numbered events to this member only on {@link #deliverHeld} — the way the topic carries
     * them a little later on a cluster.
     */
    private static final class SlowTopicBus implements MessageBus {
        private final PublishLedger ledger;
        private final ChannelNumbering numbering;
        private final List<HubEvent> held = new ArrayList<>();
        private BatchHandler handler;

        SlowTopicBus(PublishLedger ledger, ChannelNumbering numbering) {
            this.ledger = ledger;
            this.numbering = numbering;
        }

        @Override
        public synchronized void start(BatchHandler handler) {
            this.handler = handler;
            numbering.takeOver();
        }

        @Override
        public synchronized void publish(HubEvent event, PublishCallback done) {
            PublishLedger.Pending pending = ledger.open(event, done);
            ledger.awaitEcho(pending);
            List<HubEvent> numbered = numbering.number(List.of(pending.event()), Long.MIN_VALUE);
            if (event.isMessage()) {
                held.addAll(numbered);
            } else {
                handler.handle(numbered); // presence goes straight through
            }
        }

        /** Hands everything numbered since the last call to this member's pipeline. */
        synchronized void deliverHeld() {
            deliver(takeHeld().toArray(HubEvent[]::new));
        }

        /** What was numbered (and stored) since the last call, not delivered: the test delivers it, or loses it. */
        synchronized List<HubEvent> takeHeld() {
            List<HubEvent> batch = List.copyOf(held);
            held.clear();
            return batch;
        }

        /** One batch from the topic. */
        synchronized void deliver(HubEvent... batch) {
            handler.handle(List.of(batch));
        }

        @Override
        public void expireOverdue() {
            ledger.expireOverdue();
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public synchronized void stop() {
            ledger.failAll(new IllegalStateException("hub stopping"));
        }
    }
}
