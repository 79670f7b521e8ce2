package org.switchboard.history;

import org.junit.jupiter.api.Test;
import org.switchboard.bus.HubEvent;
import org.switchboard.protocol.Member;
import org.switchboard.protocol.Position;
import org.switchboard.protocol.StoredMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The numbering step on a real (H2) store: positions continue from the store across takeovers,
 * the fence stops a member that was taken over, keys and references make retries and
 * redeliveries duplicates, and live-only channels carry on while the store is down.
 */
class ChannelNumberingTest {

    private static final Member ANN = new Member("c1", "Ann");
    private static final Retention RULES = RetentionRules.parse(true, 1000, "24h", "live.*=live");
    private static final long NO_STALE = Long.MIN_VALUE;

    private final AtomicInteger refs = new AtomicInteger();

    /** A publication as a member hands it to the numbering: with its own reference, and the client's key if any. */
    private HubEvent publication(String channel, int n, String key) {
        return HubEvent.message(channel, ANN, "{\"n\":" + n + "}", key).withRef("member-1:" + refs.incrementAndGet());
    }

    private HubEvent publication(String channel, int n) {
        return publication(channel, n, null);
    }

    private static ChannelNumbering numbering(HistoryStore store, String holder) {
        ChannelNumbering numbering = new ChannelNumbering(store, RULES, holder);
        numbering.takeOver();
        return numbering;
    }

    private static List<Long> seqs(List<HubEvent> events) {
        return events.stream().map(HubEvent::seq).toList();
    }

    private static List<HubEvent.Kind> kinds(List<HubEvent> events) {
        return events.stream().map(HubEvent::kind).toList();
    }

    private static List<Long> storedSeqs(HistoryStore store, String channel) {
        return store.after(channel, 0, 10_000).stream().map(StoredMessage::seq).toList();
    }

    @Test
    void aChannelWithHistoryIsNumberedFromOneAndStoredBeforeItIsReturned() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering numbering = numbering(store, "A");
        List<HubEvent> out = numbering.number(List.of(publication("room", 1), publication("room", 2),
                HubEvent.join("room", ANN), publication("other", 1)), NO_STALE);

        assertThat(kinds(out)).containsExactly(HubEvent.Kind.MESSAGE, HubEvent.Kind.MESSAGE, HubEvent.Kind.JOIN, HubEvent.Kind.MESSAGE);
        long epoch = out.get(0).epoch();
        assertThat(epoch).isPositive();
        assertThat(out.get(1).epoch()).isEqualTo(epoch);
        assertThat(seqs(out)).containsExactly(1L, 2L, 0L, 1L);
        // presence passes unchanged
        assertThat(out.get(2).epoch()).isZero();
        assertThat(store.last("room")).isEqualTo(new Position(epoch, 2));
        assertThat(store.after("room", 0, 10)).extracting(StoredMessage::dataJson).containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(store.last("other").seq()).isEqualTo(1);
    }

    @Test
    void numberingContinuesFromTheStoreAfterATakeoverInTheSameEpoch() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering a = numbering(store, "A");
        List<HubEvent> first = a.number(List.of(publication("room", 1), publication("room", 2), publication("room", 3)), NO_STALE);
        long epoch = first.get(0).epoch();

        ChannelNumbering b = numbering(store, "B");
        List<HubEvent> next = b.number(List.of(publication("room", 4), publication("room", 5)), NO_STALE);

        assertThat(next).allMatch(e -> e.kind() == HubEvent.Kind.MESSAGE && e.epoch() == epoch);
        assertThat(seqs(next)).containsExactly(4L, 5L);
        assertThat(storedSeqs(store, "room")).containsExactly(1L, 2L, 3L, 4L, 5L);

        // and after the same member takes over again
        b.takeOver();
        assertThat(b.number(List.of(publication("room", 6)), NO_STALE).get(0)).extracting(HubEvent::epoch, HubEvent::seq)
                .containsExactly(epoch, 6L);
    }

    @Test
    void aMemberThatWasTakenOverIsFencedAndStoresNothing() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering a = numbering(store, "A");
        a.number(List.of(publication("room", 1), publication("room", 2)), NO_STALE);
        ChannelNumbering b = numbering(store, "B");
        List<HubEvent> fromB = b.number(List.of(publication("room", 3)), NO_STALE);
        assertThat(seqs(fromB)).containsExactly(3L);

        // A still believes it numbers "room" (its cache says 2): the fence stops it
        assertThatThrownBy(() -> a.number(List.of(publication("room", 99)), NO_STALE)).isInstanceOf(HistoryStore.Fenced.class);
        assertThatThrownBy(() -> a.number(List.of(publication("fresh", 99)), NO_STALE)).isInstanceOf(HistoryStore.Fenced.class);

        assertThat(store.after("room", 0, 100)).extracting(StoredMessage::seq, StoredMessage::dataJson)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "{\"n\":1}"), org.assertj.core.groups.Tuple.tuple(2L, "{\"n\":2}"),
                        org.assertj.core.groups.Tuple.tuple(3L, "{\"n\":3}"));
        assertThat(store.last("fresh")).isNull();
        assertThat(seqs(b.number(List.of(publication("room", 4)), NO_STALE))).containsExactly(4L);
    }

    @Test
    void aTakeoverDuringBusyNumberingLeavesOneContiguousRunWithoutDuplicates() throws Exception {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering a = numbering(store, "A");
        List<HubEvent> returnedByA = new ArrayList<>();
        CountDownLatch aIsBusy = new CountDownLatch(20);
        CompletableFuture<Throwable> aStopped = CompletableFuture.supplyAsync(() -> {
            try {
                for (int i = 0; i < 100_000; i++) {
                    returnedByA.addAll(a.number(List.of(publication("room", i), publication("room", i)), NO_STALE));
                    aIsBusy.countDown();
                }
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        assertThat(aIsBusy.await(10, TimeUnit.SECONDS)).isTrue();
        ChannelNumbering b = numbering(store, "B");
        List<HubEvent> returnedByB = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            returnedByB.addAll(b.number(List.of(publication("room", -i)), NO_STALE));
        }

        assertThat(aStopped.get(10, TimeUnit.SECONDS)).isInstanceOf(HistoryStore.Fenced.class);
        assertThat(returnedByA).allMatch(e -> e.kind() == HubEvent.Kind.MESSAGE);
        assertThat(returnedByB).allMatch(e -> e.kind() == HubEvent.Kind.MESSAGE);
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= returnedByA.size() + returnedByB.size(); s++) {
            expected.add(s);
        }
        List<Long> all = new ArrayList<>(seqs(returnedByA));
        all.addAll(seqs(returnedByB));
        assertThat(all).containsExactlyElementsOf(expected);
        // what each numbering returned (and so forwarded) is exactly what the store holds, in one epoch
        assertThat(storedSeqs(store, "room")).containsExactlyElementsOf(expected);
        assertThat(store.after("room", 0, 10_000)).extracting(StoredMessage::epoch).containsOnly(returnedByA.get(0).epoch());
    }

    @Test
    void aClientKeyRetriedInALaterBatchIsADuplicateAtTheStoredPosition() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering numbering = numbering(store, "A");
        HubEvent first = numbering.number(List.of(publication("room", 1, "key-1")), NO_STALE).get(0);
        numbering.number(List.of(publication("room", 2)), NO_STALE);

        // the retry comes from another connection: another reference, same key
        HubEvent retry = numbering.number(List.of(publication("room", 1, "key-1")), NO_STALE).get(0);
        assertThat(retry.kind()).isEqualTo(HubEvent.Kind.DUPLICATE);
        assertThat(retry.epoch()).isEqualTo(first.epoch());
        assertThat(retry.seq()).isEqualTo(1);
        assertThat(storedSeqs(store, "room")).containsExactly(1L, 2L);
        // the same key on another channel is another publication
        assertThat(numbering.number(List.of(publication("other", 1, "key-1")), NO_STALE).get(0).kind())
                .isEqualTo(HubEvent.Kind.MESSAGE);
    }

    @Test
    void aClientKeyRetriedAfterATakeoverIsFoundInTheStoreAndTheRestOfTheBatchIsNumberedOnce() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering a = numbering(store, "A");
        HubEvent stored = a.number(List.of(publication("room", 1, "key-1")), NO_STALE).get(0);
        a.number(List.of(publication("live.x", 1)), NO_STALE);

        ChannelNumbering b = numbering(store, "B"); // remembers no keys: only the store knows
        List<HubEvent> out = b.number(List.of(publication("room", 2), publication("live.x", 2),
                publication("room", 1, "key-1"), publication("room", 3)), NO_STALE);

        assertThat(kinds(out)).containsExactly(HubEvent.Kind.MESSAGE, HubEvent.Kind.MESSAGE, HubEvent.Kind.DUPLICATE,
                HubEvent.Kind.MESSAGE);
        assertThat(out.get(2)).extracting(HubEvent::epoch, HubEvent::seq).containsExactly(stored.epoch(), 1L);
        assertThat(seqs(out)).containsExactly(2L, 1L, 1L, 3L);
        assertThat(storedSeqs(store, "room")).containsExactly(1L, 2L, 3L);
        assertThat(store.after("room", 0, 10)).extracting(StoredMessage::dataJson)
                .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        // the live-only channel was numbered once too: the next one is 2
        assertThat(seqs(b.number(List.of(publication("live.x", 3)), NO_STALE))).containsExactly(2L);
    }

    /**
     * After a takeover the ingress queue may deliver again what the previous numbering member
     * stored but had not acknowledged: the same event, same member reference, no client key.
     */
    @Test
    void anEventRedeliveredAfterATakeoverIsADuplicateAtItsStoredPosition() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering a = numbering(store, "A");
        HubEvent original = publication("room", 1);
        HubEvent stored = a.number(List.of(original), NO_STALE).get(0);
        assertThat(stored.seq()).isEqualTo(1);

        ChannelNumbering b = numbering(store, "B");
        List<HubEvent> out = b.number(List.of(original, publication("room", 2)), NO_STALE);

        assertThat(out.get(0).kind()).isEqualTo(HubEvent.Kind.DUPLICATE);
        assertThat(out.get(0)).extracting(HubEvent::epoch, HubEvent::seq, HubEvent::ref)
                .containsExactly(stored.epoch(), 1L, original.ref());
        assertThat(out.get(1)).extracting(HubEvent::kind, HubEvent::seq).containsExactly(HubEvent.Kind.MESSAGE, 2L);
        assertThat(storedSeqs(store, "room")).containsExactly(1L, 2L);
    }

    @Test
    void theSameKeyTwiceInOneBatchIsStoredOnceAndTheSecondIsADuplicate() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering numbering = numbering(store, "A");
        List<HubEvent> out = numbering.number(List.of(publication("room", 1, "k"), publication("room", 1, "k"),
                publication("room", 2), publication("live.x", 1, "k"), publication("live.x", 1, "k")), NO_STALE);

        assertThat(kinds(out)).containsExactly(HubEvent.Kind.MESSAGE, HubEvent.Kind.DUPLICATE, HubEvent.Kind.MESSAGE,
                HubEvent.Kind.MESSAGE, HubEvent.Kind.DUPLICATE);
        assertThat(seqs(out)).containsExactly(1L, 1L, 2L, 1L, 1L);
        assertThat(out.get(1).epoch()).isEqualTo(out.get(0).epoch());
        assertThat(out.get(4).epoch()).isEqualTo(out.get(3).epoch());
        assertThat(storedSeqs(store, "room")).containsExactly(1L, 2L);
    }

    @Test
    void staleEventsAreRejectedAndNotStored() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering numbering = numbering(store, "A");
        HubEvent old = new HubEvent(HubEvent.Kind.MESSAGE, "room", ANN, 1_000, "{\"n\":0}", 0, 0, "member-1:old", null);
        HubEvent fresh = new HubEvent(HubEvent.Kind.MESSAGE, "room", ANN, 5_000, "{\"n\":1}", 0, 0, "member-1:fresh", null);
        HubEvent oldLive = new HubEvent(HubEvent.Kind.MESSAGE, "live.x", ANN, 1_000, "{\"n\":0}", 0, 0, "member-1:old2", null);

        List<HubEvent> out = numbering.number(List.of(old, fresh, oldLive), 2_000);

        assertThat(kinds(out)).containsExactly(HubEvent.Kind.REJECTED, HubEvent.Kind.MESSAGE, HubEvent.Kind.REJECTED);
        assertThat(out.get(0).ref()).isEqualTo("member-1:old");
        assertThat(out.get(0).dataJson()).isNotBlank(); // the reason
        assertThat(out.get(1).seq()).isEqualTo(1);
        assertThat(store.after("room", 0, 10)).extracting(StoredMessage::dataJson).containsExactly("{\"n\":1}");
    }

    @Test
    void whileTheStoreIsDownHistoryChannelsAreRejectedAndLiveOnlyChannelsCarryOn() {
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        JdbcHistoryStore store = TestHistory.store(database);
        ChannelNumbering numbering = numbering(store, "A");
        List<HubEvent> before = numbering.number(List.of(publication("room", 1), publication("live.x", 1)), NO_STALE);
        long epoch = before.get(0).epoch();

        database.down();
        List<HubEvent> out = numbering.number(List.of(publication("room", 2), publication("live.x", 2),
                publication("fresh", 1), publication("live.x", 3)), NO_STALE);

        assertThat(kinds(out)).containsExactly(HubEvent.Kind.REJECTED, HubEvent.Kind.MESSAGE, HubEvent.Kind.REJECTED,
                HubEvent.Kind.MESSAGE);
        assertThat(out.get(1)).extracting(HubEvent::epoch, HubEvent::seq).containsExactly(before.get(1).epoch(), 2L);
        assertThat(out.get(3).seq()).isEqualTo(3);
        assertThat(out.get(0).seq()).isZero();
        assertThat(store.isUp()).isFalse();

        database.up();
        List<HubEvent> after = numbering.number(List.of(publication("room", 3), publication("fresh", 2)), NO_STALE);
        assertThat(kinds(after)).containsOnly(HubEvent.Kind.MESSAGE);
        // the rejected ones took no position
        assertThat(after.get(0)).extracting(HubEvent::epoch, HubEvent::seq).containsExactly(epoch, 2L);
        assertThat(after.get(1).seq()).isEqualTo(1);
        assertThat(storedSeqs(store, "room")).containsExactly(1L, 2L);
        assertThat(store.after("room", 0, 10)).extracting(StoredMessage::dataJson).containsExactly("{\"n\":1}", "{\"n\":3}");
    }

    @Test
    void aNumberingThatStartedWhileTheStoreWasDownTakesTheFenceOnceItIsBack() {
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        JdbcHistoryStore store = TestHistory.store(database);
        store.migrate();
        ChannelNumbering old = numbering(store, "old");
        old.number(List.of(publication("room", 1)), NO_STALE);

        database.down();
        ChannelNumbering numbering = numbering(store, "A");
        assertThat(numbering.number(List.of(publication("room", 2)), NO_STALE).get(0).kind()).isEqualTo(HubEvent.Kind.REJECTED);

        database.up();
        HubEvent numbered = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> numbering.number(List.of(publication("room", 3)), NO_STALE).get(0), e -> e.kind() == HubEvent.Kind.MESSAGE);
        assertThat(numbered.seq()).isEqualTo(2);
        // it took the fence: the old holder is stopped
        assertThatThrownBy(() -> old.number(List.of(publication("room", 9)), NO_STALE)).isInstanceOf(HistoryStore.Fenced.class);
        assertThat(storedSeqs(store, "room")).containsExactly(1L, 2L);
    }

    /**
     * A retry in the same batch is answered with the first one's position. If that batch then
     * cannot be stored, the first is rejected — and the retry must not confirm a position that
     * holds nothing (the next publication will be numbered there).
     */
    @Test
    void aKeyRepeatedInABatchThatCannotBeStoredIsNotConfirmed() {
        TestHistory.SwitchableDataSource database = TestHistory.switchableH2();
        JdbcHistoryStore store = TestHistory.store(database);
        ChannelNumbering numbering = numbering(store, "A");
        numbering.number(List.of(publication("room", 1)), NO_STALE); // the channel's position is known now

        database.down();
        List<HubEvent> out = numbering.number(List.of(publication("room", 2, "k"), publication("room", 2, "k")), NO_STALE);
        assertThat(out.get(0).kind()).isEqualTo(HubEvent.Kind.REJECTED);
        assertThat(out.get(1).kind()).isEqualTo(HubEvent.Kind.REJECTED);

        database.up();
        HubEvent other = numbering.number(List.of(publication("room", 3)), NO_STALE).get(0);
        assertThat(other.seq()).isEqualTo(2);
    }

    @Test
    void liveOnlyChannelsStartANewEpochAtATakeoverWhileHistoryChannelsKeepTheirs() {
        JdbcHistoryStore store = TestHistory.h2Store();
        ChannelNumbering numbering = numbering(store, "A");
        List<HubEvent> first = numbering.number(List.of(publication("live.x", 1), publication("live.x", 2), publication("room", 1)), NO_STALE);
        assertThat(seqs(first)).containsExactly(1L, 2L, 1L);
        assertThat(store.last("live.x")).isNull(); // never stored

        numbering.takeOver();
        List<HubEvent> next = numbering.number(List.of(publication("live.x", 3), publication("room", 2)), NO_STALE);
        assertThat(next.get(0).epoch()).isGreaterThan(first.get(0).epoch());
        assertThat(next.get(0).seq()).isEqualTo(1);
        assertThat(next.get(1)).extracting(HubEvent::epoch, HubEvent::seq).containsExactly(first.get(2).epoch(), 2L);

        // taking over again (even within the same millisecond) gives a later live epoch still
        numbering.takeOver();
        assertThat(numbering.number(List.of(publication("live.x", 4)), NO_STALE).get(0).epoch()).isGreaterThan(next.get(0).epoch());
    }

    @Test
    void withHistoryDisabledEveryChannelIsNumberedInMemory() {
        ChannelNumbering numbering = new ChannelNumbering(null, channel -> null, "solo");
        numbering.takeOver();
        List<HubEvent> out = numbering.number(List.of(publication("room", 1), publication("room", 2), publication("other", 1)), NO_STALE);
        assertThat(kinds(out)).containsOnly(HubEvent.Kind.MESSAGE);
        assertThat(seqs(out)).containsExactly(1L, 2L, 1L);
    }
}
