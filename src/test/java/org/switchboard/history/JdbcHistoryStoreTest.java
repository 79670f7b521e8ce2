package org.switchboard.history;

import org.junit.jupiter.api.Test;
import org.switchboard.bus.HubEvent;
import org.switchboard.protocol.Member;
import org.switchboard.protocol.Position;
import org.switchboard.protocol.StoredMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The JDBC history store on in-memory H2 (the engine behind Payara's default DataSource). */
class JdbcHistoryStoreTest {

    private static final Member ANN = new Member("c1", "Ann");
    private static final long EPOCH = 1_795_000_000_000L;

    private final JdbcHistoryStore store = TestHistory.h2Store();

    private static HubEvent message(String channel, long epoch, long seq, long ts, String key, String ref) {
        return new HubEvent(HubEvent.Kind.MESSAGE, channel, ANN, ts, "{\"n\":" + seq + "}", epoch, seq, ref, key);
    }

    /** Messages {@code from..to} of a channel, ts = seq * 1000, each with its own member reference. */
    private static List<HubEvent> messages(String channel, long epoch, long from, long to) {
        List<HubEvent> out = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            out.add(message(channel, epoch, seq, seq * 1000, null, "ref-" + channel + "-" + seq));
        }
        return out;
    }

    private static List<Long> seqs(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::seq).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void appendedMessagesCanBeReadBackPagedForwardAndBackward() {
        long fence = store.takeFence("test");
        assertThat(store.last("room")).isNull();
        assertThat(store.describe("room")).isNull();
        assertThat(store.after("room", 0, 10)).isEmpty();

        store.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 4));
        store.append(fence, Map.of(), messages("room", EPOCH, 5, 10));
        store.append(fence, Map.of("other", EPOCH + 1), messages("other", EPOCH + 1, 1, 2));

        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 10));
        assertThat(store.last("other")).isEqualTo(new Position(EPOCH + 1, 2));
        assertThat(store.describe("room")).isEqualTo(new HistoryStore.ChannelHistory(EPOCH, 1, 10));

        assertThat(seqs(store.after("room", 0, 4))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs(store.after("room", 4, 4))).containsExactly(5L, 6L, 7L, 8L);
        assertThat(seqs(store.after("room", 8, 4))).containsExactly(9L, 10L);
        assertThat(store.after("room", 10, 4)).isEmpty();

        assertThat(seqs(store.before("room", Long.MAX_VALUE, 3))).containsExactly(8L, 9L, 10L);
        assertThat(seqs(store.before("room", 8, 3))).containsExactly(5L, 6L, 7L);
        assertThat(seqs(store.before("room", 3, 3))).containsExactly(1L, 2L);
        assertThat(store.before("room", 1, 3)).isEmpty();

        StoredMessage seventh = store.after("room", 6, 1).get(0);
        assertThat(seventh).isEqualTo(new StoredMessage(EPOCH, 7, 7000, ANN, "{\"n\":7}"));
        // channels do not mix
        assertThat(seqs(store.after("other", 0, 100))).containsExactly(1L, 2L);
        assertThat(store.after("other", 0, 100)).allMatch(m -> m.epoch() == EPOCH + 1);
    }

    @Test
    void dataAndNamesAreStoredAsGiven() {
        long fence = store.takeFence("test");
        String data = "{\"text\":\"h\\u00e9\\\"llo \u2713 \uD83D\uDE00\",\"n\":[1,2.5,null,true]}";
        Member zoe = new Member("c-9", "Zoë \"the\" <admin>");
        store.append(fence, Map.of("room", EPOCH),
                List.of(new HubEvent(HubEvent.Kind.MESSAGE, "room", zoe, 42, data, EPOCH, 1, "r1", null)));
        assertThat(store.after("room", 0, 1)).containsExactly(new StoredMessage(EPOCH, 1, 42, zoe, data));
    }

    @Test
    void positionsOfFindsStoredPublicationKeysOfTheChannelOnly() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH, "other", EPOCH), List.of(
                message("room", EPOCH, 1, 1, "a", "r1"),
                message("room", EPOCH, 2, 2, null, "r2"),
                message("other", EPOCH, 1, 3, "b", "r3")));

        assertThat(store.positionsOf("room", List.of("k:a", "r:r2", "k:b", "r:r1", "k:zzz")))
                .containsOnly(Map.entry("k:a", new Position(EPOCH, 1)), Map.entry("r:r2", new Position(EPOCH, 2)));
        assertThat(store.positionsOf("other", List.of("k:b"))).containsOnly(Map.entry("k:b", new Position(EPOCH, 1)));
        assertThat(store.positionsOf("room", List.of())).isEmpty();
    }

    @Test
    void aStaleFenceCannotAppendAndNothingOfItsBatchIsStored() {
        long first = store.takeFence("A");
        long second = store.takeFence("B");
        assertThat(second).isGreaterThan(first);

        assertThatThrownBy(() -> store.append(first, Map.of("room", EPOCH), messages("room", EPOCH, 1, 3)))
                .isInstanceOf(HistoryStore.Fenced.class);
        // not even the channel row
        assertThat(store.last("room")).isNull();
        assertThat(store.after("room", 0, 10)).isEmpty();
        assertThat(store.isUp()).isTrue();

        store.append(second, Map.of("room", EPOCH), messages("room", EPOCH, 1, 2));
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 2));
        assertThatThrownBy(() -> store.append(first, Map.of(), messages("room", EPOCH, 3, 3)))
                .isInstanceOf(HistoryStore.Fenced.class);
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 2));
    }

    @Test
    void aRepeatedPublicationKeyFailsTheWholeBatchAsDuplicateKey() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH), List.of(
                message("room", EPOCH, 1, 1, "client-key", "r1"),
                message("room", EPOCH, 2, 2, null, "r2")));

        // a client retry (same key, another reference) in a batch with a new publication
        assertThatThrownBy(() -> store.append(fence, Map.of(), List.of(
                message("room", EPOCH, 3, 3, null, "r3"),
                message("room", EPOCH, 4, 4, "client-key", "r4"))))
                .isInstanceOf(HistoryStore.DuplicateKey.class);
        // a member reference redelivered
        assertThatThrownBy(() -> store.append(fence, Map.of(), List.of(message("room", EPOCH, 3, 3, null, "r2"))))
                .isInstanceOf(HistoryStore.DuplicateKey.class);

        assertThat(seqs(store.after("room", 0, 10))).containsExactly(1L, 2L);
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 2));
        // a duplicate is an answer, not an outage
        assertThat(store.isUp()).isTrue();
        assertThat(store.isAvailable()).isTrue();
        // the same key on another channel is another publication
        store.append(fence, Map.of("other", EPOCH), List.of(message("other", EPOCH, 1, 1, "client-key", "r9")));
        assertThat(store.last("other")).isEqualTo(new Position(EPOCH, 1));
    }

    @Test
    void pruningByCountKeepsTheNewestAndTheNumbering() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 10));
        store.append(fence, Map.of("small", EPOCH), messages("small", EPOCH, 1, 2));
        Retention keepThree = channel -> new Retention.Rule(3, Duration.ofDays(365).toMillis());

        assertThat(store.prune(keepThree, 20_000, 1000)).isEqualTo(7);

        assertThat(seqs(store.after("room", 0, 100))).containsExactly(8L, 9L, 10L);
        assertThat(seqs(store.after("small", 0, 100))).containsExactly(1L, 2L);
        assertThat(store.describe("room")).isEqualTo(new HistoryStore.ChannelHistory(EPOCH, 8, 10));
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 10));
        assertThat(store.prune(keepThree, 20_000, 1000)).isZero();
    }

    @Test
    void pruningByAgeRemovesWhatIsOlderThanTheRule() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 10)); // ts = seq * 1000
        Retention oneMinute = channel -> new Retention.Rule(1000, 60_000);

        // now = 65.5 s: older than one minute is ts < 5.5 s, seqs 1..5
        assertThat(store.prune(oneMinute, 65_500, 1000)).isEqualTo(5);
        assertThat(seqs(store.after("room", 0, 100))).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(store.describe("room")).isEqualTo(new HistoryStore.ChannelHistory(EPOCH, 6, 10));
    }

    @Test
    void pruningEverythingKeepsTheChannelsEpochAndLastSeq() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 10));
        store.append(fence, Map.of("gone", EPOCH), messages("gone", EPOCH, 1, 4));
        Retention rules = channel -> channel.equals("gone") ? null : new Retention.Rule(5, 60_000); // gone became live-only

        // everything in "room" aged out, and "gone" keeps nothing any more
        assertThat(store.prune(rules, 1_000_000, 1000)).isEqualTo(14);

        assertThat(store.after("room", 0, 100)).isEmpty();
        assertThat(store.after("gone", 0, 100)).isEmpty();
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 10));
        assertThat(store.last("gone")).isEqualTo(new Position(EPOCH, 4));
        // nothing held: earliest > latest
        assertThat(store.describe("room")).isEqualTo(new HistoryStore.ChannelHistory(EPOCH, 11, 10));

        // numbering continues after the pruned messages
        store.append(fence, Map.of(), messages("room", EPOCH, 11, 12));
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 12));
        assertThat(store.describe("room")).isEqualTo(new HistoryStore.ChannelHistory(EPOCH, 11, 12));
    }

    @Test
    void aPartialPruneKeepsTheLastSeqAfterTheRemainingMessagesGoToo() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 10));
        // keep 3 by count: seqs 1..7 go
        store.prune(channel -> new Retention.Rule(3, Long.MAX_VALUE / 4), 20_000, 1000);
        // then the channel turns live-only: 8..10 go
        assertThat(store.prune(channel -> null, 20_000, 1000)).isEqualTo(3);
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 10));
    }

    @Test
    void pruningRemovesAtMostMaxRowsPerCallOldestFirst() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("a", EPOCH), messages("a", EPOCH, 1, 10));
        store.append(fence, Map.of("b", EPOCH), messages("b", EPOCH, 1, 10));
        Retention keepThree = channel -> new Retention.Rule(3, Duration.ofDays(365).toMillis());

        List<Integer> removed = new ArrayList<>();
        for (int call = 0; call < 5; call++) {
            removed.add(store.prune(keepThree, 20_000, 5));
            long kept = store.after("a", 0, 100).size() + store.after("b", 0, 100).size();
            assertThat(kept).isEqualTo(20 - removed.stream().mapToInt(Integer::intValue).sum());
        }
        assertThat(removed).containsExactly(5, 5, 4, 0, 0);
        assertThat(seqs(store.after("a", 0, 100))).containsExactly(8L, 9L, 10L);
        assertThat(seqs(store.after("b", 0, 100))).containsExactly(8L, 9L, 10L);
        assertThat(store.last("a")).isEqualTo(new Position(EPOCH, 10));
        assertThat(store.last("b")).isEqualTo(new Position(EPOCH, 10));
    }

    @Test
    void aRunPrunesTheChannelsWrittenSinceTheLastAndOneSliceOfTheRest() {
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        JdbcHistoryStore writer = TestHistory.store(database);
        long fence = writer.takeFence("test");
        int quiet = JdbcHistoryStore.SWEEP_CHANNELS * 2 + 10;
        for (int i = 0; i < quiet; i++) {
            String channel = String.format("quiet-%04d", i);
            writer.append(fence, Map.of(channel, EPOCH), messages(channel, EPOCH, 1, 1)); // ts 1 s
        }
        // a member that takes over pruning knows of no recent writes: it sweeps
        JdbcHistoryStore pruner = TestHistory.store(database);
        pruner.append(fence, Map.of("busy", EPOCH), messages("busy", EPOCH, 1, 5));
        Retention oneMinute = channel -> new Retention.Rule(3, 60_000);

        int slice = JdbcHistoryStore.SWEEP_CHANNELS;
        // "busy" sorts first: slice 1 is busy and quiet 0..slice-2
        assertThat(pruner.prune(oneMinute, 10_000, 100_000)).as("busy over its count; nothing aged yet").isEqualTo(2);
        assertThat(pruner.prune(oneMinute, 120_000, 100_000)).as("the next slice, aged").isEqualTo(slice);
        assertThat(pruner.prune(oneMinute, 120_000, 100_000)).as("the rest").isEqualTo(quiet - (slice - 1) - slice);
        assertThat(pruner.prune(oneMinute, 120_000, 100_000)).as("from the start again: busy and the first slice")
                .isEqualTo(3 + slice - 1);
        assertThat(pruner.prune(oneMinute, 120_000, 100_000)).isZero();
    }

    @Test
    void aBudgetSmallerThanWhatAgedOutRemovesTheOldestFirst() {
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 10));
        assertThat(store.prune(channel -> null, 0, 4)).isEqualTo(4);
        assertThat(seqs(store.after("room", 0, 100))).containsExactlyElementsOf(range(5, 10));
        assertThat(store.describe("room")).isEqualTo(new HistoryStore.ChannelHistory(EPOCH, 5, 10));
    }

    @Test
    void aStoreWhoseDatabaseIsDownFailsFastAndIsUpAgainAfterAProbe() {
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        JdbcHistoryStore down = TestHistory.store(database);
        long fence = down.takeFence("test");
        down.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 3));
        assertThat(down.isUp()).isTrue();

        database.down();
        assertThatThrownBy(() -> down.last("room")).isExactlyInstanceOf(HistoryStore.HistoryUnavailable.class);
        assertThat(down.isUp()).isFalse();
        assertThat(down.isAvailable()).isFalse(); // callers skip it for a while
        assertThatThrownBy(() -> down.append(fence, Map.of(), messages("room", EPOCH, 4, 4)))
                .isExactlyInstanceOf(HistoryStore.HistoryUnavailable.class);
        assertThatThrownBy(() -> down.after("room", 0, 10)).isInstanceOf(HistoryStore.HistoryUnavailable.class);
        assertThatThrownBy(() -> down.prune(channel -> null, 0, 10)).isInstanceOf(HistoryStore.HistoryUnavailable.class);
        down.probe(); // still down: no exception, still not up
        assertThat(down.isUp()).isFalse();

        database.up();
        assertThat(down.isUp()).isFalse();
        down.probe();
        assertThat(down.isUp()).isTrue();
        assertThat(down.isAvailable()).isTrue();
        // what was stored before the outage is still there; what failed was not stored
        assertThat(down.last("room")).isEqualTo(new Position(EPOCH, 3));
        down.append(fence, Map.of(), messages("room", EPOCH, 4, 4));
        assertThat(down.last("room")).isEqualTo(new Position(EPOCH, 4));
    }

    @Test
    void aStoreThatCouldNotMigrateAtStartMigratesOnFirstUseOnceTheDatabaseIsBack() {
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        database.down();
        JdbcHistoryStore store = TestHistory.store(database);
        assertThat(store.migrate()).isFalse();
        assertThat(store.isUp()).isFalse();
        assertThatThrownBy(() -> store.takeFence("test")).isInstanceOf(HistoryStore.HistoryUnavailable.class);

        database.up();
        store.probe();
        assertThat(store.isUp()).isTrue();
        long fence = store.takeFence("test");
        store.append(fence, Map.of("room", EPOCH), messages("room", EPOCH, 1, 1));
        assertThat(store.last("room")).isEqualTo(new Position(EPOCH, 1));
    }

    @Test
    void afterAFailureTheStoreIsAvailableAgainWithinAboutASecondWithoutAProbe() {
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        JdbcHistoryStore store = TestHistory.store(database);
        store.takeFence("test");
        database.down();
        assertThatThrownBy(() -> store.last("room")).isInstanceOf(HistoryStore.HistoryUnavailable.class);
        assertThat(store.isAvailable()).isFalse();
        // one caller a second may find out whether it is back
        await().atMost(Duration.ofSeconds(3)).until(store::isAvailable);
        assertThat(store.isUp()).isFalse();
    }
}
