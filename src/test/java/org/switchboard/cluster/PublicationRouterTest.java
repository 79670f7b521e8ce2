package org.switchboard.cluster;

import org.switchboard.bus.HubEvent;
import org.switchboard.bus.PublishLedger;

import org.junit.jupiter.api.Test;
import org.switchboard.protocol.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-over rule of the publication router, without a broker: whatever takes the ingress
 * queue stays there until the watchdog answers it.
 */
class PublicationRouterTest {

    /** A sequencer that can be switched on and records what it was handed. */
    static final class FakeSequencing implements LocalSequencing {
        volatile boolean active;
        final List<HubEvent> offered = new ArrayList<>();

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public synchronized boolean offerLocal(HubEvent event) {
            if (!active) {
                return false;
            }
            offered.add(event);
            return true;
        }
    }

    private static final Member ALICE = new Member("c-1", "alice");

    private final List<Throwable> answers = new ArrayList<>();
    private final FakeSequencing sequencing = new FakeSequencing();
    // publish timeout 0: every queued publication is overdue at the next watchdog pass
    private final PublishLedger ledger = new PublishLedger(0);
    private final IngressSender ingress = new IngressSender(100, ledger, () -> null, () -> null);
    private final PublicationRouter router = new PublicationRouter(ledger, sequencing, ingress::offer);

    private void publish(String text) {
        router.publish(HubEvent.message("room", ALICE, "\"" + text + "\""), (confirmed, failure) -> answers.add(failure));
    }

    private void expireOverdue() {
        ingress.expireOverdue();
        ledger.expireOverdue();
    }

    @Test
    void aLaterPublicationNeverOvertakesOneStillOnTheQueue() {
        publish("first");                      // not sequencing yet: takes the ingress queue
        sequencing.active = true;
        publish("second");                     // sequencing now, but "first" is unanswered

        assertThat(sequencing.offered).isEmpty();

        expireOverdue();             // both answered (here: timed out)
        assertThat(answers).hasSize(2).allMatch(TimeoutException.class::isInstance);

        publish("third");                      // nothing left on the queue path: handed over directly
        assertThat(sequencing.offered).extracting(HubEvent::dataJson).containsExactly("\"third\"");

        ledger.confirm(sequencing.offered.get(0).at(1, 1));
        assertThat(answers).hasSize(3);
        assertThat(answers.get(2)).isNull();   // confirmed by its echo
    }

    @Test
    void anotherMembersEchoIsNotTakenForOurs() {
        sequencing.active = true;
        publish("mine");
        HubEvent mine = sequencing.offered.get(0);

        ledger.confirm(mine.withRef("other-member:1"));
        assertThat(answers).isEmpty();

        ledger.confirm(mine);
        assertThat(answers).containsExactly((Throwable) null);
    }

    @Test
    void aPublicationTheSequencerTookButWillNotNumberIsAnsweredAtOnce() {
        sequencing.active = true;
        publish("taken");
        HubEvent join = HubEvent.join("room", ALICE);

        // the sequencer steps down with both still in its inbox and hands them to the topic
        HubEvent answer = Sequencer.notNumbered(sequencing.offered.get(0));
        assertThat(Sequencer.notNumbered(join)).isEqualTo(join);   // presence is forwarded as it is
        ledger.confirm(answer);

        assertThat(answers).hasSize(1);
        assertThat(answers.get(0)).isInstanceOf(PublishLedger.RejectedPublication.class)
                .hasMessageContaining("numbering member changed");
        assertThat(ledger.awaiting()).isZero();   // nothing left for the watchdog
    }
}
