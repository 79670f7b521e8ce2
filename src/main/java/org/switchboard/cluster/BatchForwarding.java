package org.switchboard.cluster;

import jakarta.jms.JMSException;
import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the sequencer's numbered batches go: to the topic for the other members, and straight to
 * this member's own delivery, which spares its own events a broker round trip (the topic
 * subscription skips them when they come back). A member alone in the grid does not send to the
 * topic at all: on a single server a publication never touches the broker after it is numbered.
 * The topic send comes first, so a batch whose send fails is not delivered here until it is sent,
 * and a failure here never sends a batch to the other members twice.
 */
final class BatchForwarding {

    private static final Logger LOG = Logger.getLogger(BatchForwarding.class.getName());

    /** One send of events to the topic as a batch, tagged as this member's own. */
    @FunctionalInterface
    interface TopicSend {
        void send(List<HubEvent> events) throws JMSException;
    }

    private final BooleanSupplier alone;
    private final BatchHandler local;

    BatchForwarding(BooleanSupplier alone, BatchHandler local) {
        this.alone = alone;
        this.local = local;
    }

    void forward(List<HubEvent> events, TopicSend topic) throws JMSException {
        if (!alone.getAsBoolean()) {
            topic.send(events);
        }
        try {
            local.handle(events);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not deliver a numbered batch on this member", e);
        }
    }
}
