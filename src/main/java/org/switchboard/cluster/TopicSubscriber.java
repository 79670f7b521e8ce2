package org.switchboard.cluster;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Topic;
import org.switchboard.bus.BatchHandler;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This member's own non-durable subscription to the topic, so every member gets its own copy of
 * every event. One thread receives, which fixes the order in which this member sees events;
 * DUPS_OK acknowledgement lets the broker client acknowledge lazily in batches instead of one
 * round trip per message. Skips the batches of this member's own sequencer, which it delivered
 * here directly. Reconnects with backoff when the broker goes away.
 */
final class TopicSubscriber implements Runnable {

    private static final Logger LOG = Logger.getLogger(TopicSubscriber.class.getName());

    private final Supplier<ConnectionFactory> factory;
    private final Supplier<Topic> topic;
    private final BatchHandler delivery;
    private final Runnable onConnected;
    private final String ownTag;
    private final Backoff backoff = new Backoff(100, 5000);
    private volatile boolean running = true;
    private volatile boolean connected;

    /** {@code ownTag}: what this member's sequencer tags its batches with; they were delivered here already. */
    TopicSubscriber(Supplier<ConnectionFactory> factory, Supplier<Topic> topic, BatchHandler delivery,
                    Runnable onConnected, String ownTag) {
        this.ownTag = ownTag;
        this.factory = factory;
        this.topic = topic;
        this.delivery = delivery;
        this.onConnected = onConnected;
    }

    boolean isConnected() {
        return connected;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try (JMSContext context = factory.get().createContext(JMSContext.DUPS_OK_ACKNOWLEDGE);
                 JMSConsumer consumer = context.createConsumer(topic.get())) {
                connected = true;
                onConnected.run();
                backoff.reset();
                // messages numbered while this member was cut off never come on this subscription
                delivery.resynchronise();
                while (running) {
                    Message message = consumer.receive(250);
                    if (message != null) {
                        deliver(message);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "topic subscription lost: " + e);
            } finally {
                connected = false;
            }
            if (running) {
                backoff.pause();
            }
        }
    }

    private void deliver(Message message) {
        try {
            if (ownTag.equals(message.getJMSType())) {
                return;
            }
            delivery.handle(EventCodec.fromMessage(message));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "dropping undeliverable topic message", e);
        }
    }
}
