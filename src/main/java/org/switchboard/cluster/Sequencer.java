package org.switchboard.cluster;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import org.switchboard.channel.ChannelSequencer;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs on every member but works only on the lease holder: it takes events from the ingress
 * queue in the order the broker received them, gives each publication its channel position
 * (epoch, seq) and forwards everything to the topic. One numbering authority is what makes every
 * member deliver a channel's messages with the same sequence numbers in the same order.
 * A new holder starts a new epoch (its start time) and numbers each channel from 1 again.
 * Whatever has arrived since the last send is forwarded as one topic message, so under load the
 * topic carries far fewer, larger messages than there are events.
 * DUPS_OK acknowledgement lets the broker client acknowledge the queue in batches instead of one
 * round trip per message; the price is that a takeover may forward a few events twice.
 * Events older than the publish timeout are dropped: their publishers have already been told
 * {@code unavailable}, and delivering them late would contradict that.
 */
final class Sequencer implements Runnable {

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());

    private final Supplier<ConnectionFactory> factory;
    private final Supplier<Queue> ingress;
    private final Supplier<Topic> topic;
    private final BooleanSupplier leader;
    private final long staleAfterMs;
    private final Backoff backoff = new Backoff(100, 5000);
    private volatile boolean running = true;

    Sequencer(Supplier<ConnectionFactory> factory, Supplier<Queue> ingress, Supplier<Topic> topic, BooleanSupplier leader,
              long staleAfterMs) {
        this.staleAfterMs = staleAfterMs;
        this.factory = factory;
        this.ingress = ingress;
        this.topic = topic;
        this.leader = leader;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            if (!leader.getAsBoolean()) {
                if (!pause(200)) {
                    return;
                }
                continue;
            }
            long epoch = System.currentTimeMillis();
            ChannelSequencer positions = new ChannelSequencer();
            try (jakarta.jms.Connection connection = factory.get().createConnection()) {
                Session session = connection.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(ingress.get());
                // bound to the topic: OpenMQ registers an unbound producer again on every send
                MessageProducer producer = session.createProducer(topic.get());
                producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                producer.setDisableMessageID(true);
                producer.setDisableMessageTimestamp(true);
                connection.start();
                LOG.info("sequencer active, epoch " + epoch);
                backoff.reset();
                while (running && leader.getAsBoolean()) {
                    Message message = consumer.receive(250);
                    if (message == null) {
                        continue;
                    }
                    EventCodec.Batch batch = new EventCodec.Batch();
                    do {
                        number(readable(message), epoch, positions, batch);
                    } while (!batch.isFull() && (message = consumer.receiveNoWait()) != null);
                    if (!batch.isEmpty()) {
                        producer.send(batch.toMessage(session));
                    }
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "sequencer lost the broker: " + e);
                if (running && !backoff.pause()) {
                    return;
                }
            }
        }
    }

    /** A message nobody can read is dropped, not retried: it would stop the sequencer forever. */
    private static List<HubEvent> readable(Message message) {
        try {
            return EventCodec.fromMessage(message);
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "dropping unreadable ingress message: " + e);
            return List.of();
        }
    }

    private void number(List<HubEvent> events, long epoch, ChannelSequencer positions, EventCodec.Batch batch) {
        long now = System.currentTimeMillis();
        for (HubEvent event : events) {
            if (now - event.ts() > staleAfterMs) {
                continue;
            }
            batch.add(event.kind() == HubEvent.Kind.MESSAGE ? event.at(epoch, positions.next(event.channel())) : event);
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
