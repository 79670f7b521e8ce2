package org.switchboard.cluster;

import org.switchboard.bus.HubEvent;
import org.switchboard.bus.PublishCallback;
import org.switchboard.bus.PublishLedger;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Chooses the way of each of this member's publications to the sequencer: straight into its inbox
 * when this member sequences (no broker round trip; on a single server, every publication), else
 * through the ingress queue. While any publication that took the queue is unanswered, new ones
 * take the queue too: a publisher's later message must not overtake its earlier one (right after
 * start, or after this member took the lease).
 */
final class PublicationRouter {

    private final PublishLedger ledger;
    private final LocalSequencing local;
    private final Predicate<PublishLedger.Pending> ingress;
    private final AtomicInteger unansweredViaQueue = new AtomicInteger();

    /** @param ingress queues a publication for the ingress queue; false when full */
    PublicationRouter(PublishLedger ledger, LocalSequencing local, Predicate<PublishLedger.Pending> ingress) {
        this.ledger = ledger;
        this.local = local;
        this.ingress = ingress;
    }

    void publish(HubEvent event, PublishCallback done) {
        PublishLedger.Pending pending = ledger.open(event, done);
        if (local.isActive() && unansweredViaQueue.get() == 0) {
            ledger.awaitEcho(pending);
            if (local.offerLocal(pending.event())) {
                return;
            }
            ledger.forget(pending);
        }
        unansweredViaQueue.incrementAndGet();
        pending.afterAnswer(unansweredViaQueue::decrementAndGet);
        if (!ingress.test(pending)) {
            ledger.refuse(pending, new IllegalStateException("publish queue full"));
        }
    }
}
