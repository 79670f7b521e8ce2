package org.switchboard.client;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The resume bookkeeping of one subscription, driven by hand as the client's thread would. */
class SubscriptionTest {

    private static final long EPOCH = 1_795_430_000_000L;

    /** Requests recorded instead of sent; answered by the test. */
    private static final class Hub implements Requests {
        final List<String> types = new ArrayList<>();
        final List<JsonObject> requests = new ArrayList<>();
        final List<BiConsumer<SwitchboardException, JsonObject>> answers = new ArrayList<>();

        @Override
        public void call(String type, JsonObjectBuilder fields, BiConsumer<SwitchboardException, JsonObject> answer) {
            types.add(type);
            requests.add(fields.build());
            answers.add(answer);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(Subscription subscription) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void forget(Subscription subscription) {
        }

        void answer(int i, JsonObjectBuilder data) {
            answers.get(i).accept(null, Json.createObjectBuilder().add("type", "reply").add("data", data).build());
        }
    }

    private static final class Seen implements SubscriptionListener {
        final List<Long> seqs = new ArrayList<>();
        final List<Unrecovered> gaps = new ArrayList<>();
        final List<Boolean> recovered = new ArrayList<>();

        @Override
        public void message(Message message) {
            seqs.add(message.seq());
        }

        @Override
        public void unrecovered(Unrecovered gap) {
            gaps.add(gap);
        }

        @Override
        public void subscribed(boolean resumed, Boolean recovered) {
            this.recovered.add(recovered);
        }
    }

    private static Message message(long seq) {
        return Message.of(envelope(seq));
    }

    private static JsonObject envelope(long seq) {
        return Json.createObjectBuilder().add("type", "message").add("channel", "orders").add("epoch", EPOCH).add("seq", seq)
                .add("data", Json.createObjectBuilder().add("n", seq)).build();
    }

    private final Hub hub = new Hub();
    private final Seen seen = new Seen();

    @Test
    void aResumeSubscribesSinceTheLastDeliveredAndDropsWhatItSawAlready() {
        Subscription s = new Subscription(hub, "orders", null, seen);
        s.start(1);
        assertThat(hub.requests.get(0).containsKey("since")).isFalse();
        hub.answer(0, Json.createObjectBuilder().add("ok", true).add("epoch", EPOCH).add("seq", 4));
        s.message(message(5));
        s.message(message(6));

        s.disconnected();
        s.start(2);
        JsonObject since = hub.requests.get(1).getJsonObject("since");
        assertThat(since.getJsonNumber("epoch").longValue()).isEqualTo(EPOCH);
        assertThat(since.getJsonNumber("seq").longValue()).isEqualTo(6);
        hub.answer(1, Json.createObjectBuilder().add("ok", true).add("epoch", EPOCH).add("seq", 8).add("recovered", true));
        s.message(message(6)); // already seen
        s.message(message(7));
        s.message(message(8));

        assertThat(seen.seqs).containsExactly(5L, 6L, 7L, 8L);
        assertThat(seen.recovered).containsExactly(null, true);
        assertThat(seen.gaps).isEmpty();
        assertThat(s.position()).isEqualTo(new Position(EPOCH, 8));
    }

    @Test
    void aGapOnALiveSubscriptionIsFilledFromHistoryBeforeTheMessagesAfterIt() {
        Subscription s = new Subscription(hub, "orders", new Position(EPOCH, 10), seen);
        s.start(1);
        hub.answer(0, Json.createObjectBuilder().add("ok", true).add("epoch", EPOCH).add("seq", 10).add("recovered", true));
        s.message(message(13)); // 11 and 12 are missing
        s.message(message(14)); // held until the gap is filled
        assertThat(hub.types).containsExactly("subscribe", "history");
        JsonObject fetch = hub.requests.get(1);
        assertThat(fetch.getJsonObject("after").getJsonNumber("seq").longValue()).isEqualTo(10);
        assertThat(seen.seqs).isEmpty();

        JsonArrayBuilder page = Json.createArrayBuilder().add(envelope(11)).add(envelope(12));
        hub.answers.get(1).accept(null, Json.createObjectBuilder().add("type", "history").add("data",
                Json.createObjectBuilder().add("epoch", EPOCH).add("earliest", 1).add("latest", 14).add("messages", page)).build());

        assertThat(seen.seqs).containsExactly(11L, 12L, 13L, 14L);
        assertThat(seen.gaps).isEmpty();
    }

    @Test
    void whatHistoryNoLongerHoldsIsReportedNotHidden() {
        Subscription s = new Subscription(hub, "orders", new Position(EPOCH, 3), seen);
        s.start(1);
        hub.answer(0, Json.createObjectBuilder().add("ok", true).add("epoch", EPOCH).add("seq", 900).add("recovered", false)
                .add("earliest", 500));
        assertThat(seen.gaps).singleElement().satisfies(gap -> {
            assertThat(gap.reason()).isEqualTo("gone");
            assertThat(gap.from()).isEqualTo(new Position(EPOCH, 3));
            assertThat(gap.earliest()).isEqualTo(500L);
        });
        s.message(message(901));
        assertThat(seen.seqs).containsExactly(901L);
    }

    @Test
    void aRefusedSubscriptionEndsWithTheHubsError() {
        List<SwitchboardException> errors = new ArrayList<>();
        Subscription s = new Subscription(hub, "restricted.x", null, new SubscriptionListener() {
            @Override
            public void message(Message message) {
            }

            @Override
            public void error(SwitchboardException error) {
                errors.add(error);
            }
        });
        s.start(1);
        hub.answers.get(0).accept(new SwitchboardException("forbidden", "no"), null);
        assertThat(errors).extracting(SwitchboardException::code).containsExactly("forbidden");
        assertThat(s.ready()).isCompletedExceptionally();
    }
}
