package org.switchboard.cluster;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import org.switchboard.bus.HubEvent;
import org.switchboard.history.ChannelNumbering;
import org.switchboard.history.HistoryStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs on every member but works only on the lease holder: it gives each publication its channel
 * position (epoch, seq), stores those of channels with history ({@link ChannelNumbering}) and
 * forwards everything to the other members through the topic and to its own member's delivery
 * directly ({@link BatchForwarding}). One numbering authority is what makes every member deliver a
 * channel's messages with the same sequence numbers in the same order. A new holder continues
 * each channel with history from the store; live-only channels start a new epoch.
 * <p>
 * Events reach it through one inbox from two sides: an ingress reader thread takes other members'
 * batches from the ingress queue, and this member's own publications are offered directly
 * ({@link #offerLocal}) while it is the holder, which spares them a broker round trip — on a single
 * server that is every publication. Whatever is in the inbox when the sequencer sends goes to the
 * topic as one message; a member alone in the grid does not use the topic at all. DUPS_OK
 * acknowledgement lets the broker client acknowledge the queue in batches; after a takeover a few
 * events may come again, and the store's key on each publication answers them as duplicates.
 * Events older than half the publish timeout are rejected, not numbered: a publisher is told
 * {@code unavailable} only for what no member will ever deliver.
 */
final class Sequencer implements Runnable, LocalSequencing {

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());

    private final Supplier<ConnectionFactory> factory;
    private final Supplier<Queue> ingress;
    private final Supplier<Topic> topic;
    private final BooleanSupplier holdsLease;
    private final BiFunction<String, Runnable, Thread> threads;
    private final long staleAfterMs;
    private final BlockingQueue<HubEvent> inbox;
    private final ChannelNumbering numbering;
    private final BatchForwarding forwarding;
    private final String ownTag;
    private final Backoff backoff = new Backoff(100, 5000);
    private volatile boolean running = true;
    private volatile boolean active;
    /** A stored batch whose send to the topic failed: sent first when this member numbers again. */
    private List<HubEvent> unforwarded;

    Sequencer(Supplier<ConnectionFactory> factory, Supplier<Queue> ingress, Supplier<Topic> topic, BooleanSupplier holdsLease,
              BiFunction<String, Runnable, Thread> threads, int inboxCapacity, long staleAfterMs,
              ChannelNumbering numbering, BatchForwarding forwarding, String ownTag) {
        this.numbering = numbering;
        this.forwarding = forwarding;
        this.ownTag = ownTag;
        this.factory = factory;
        this.ingress = ingress;
        this.topic = topic;
        this.holdsLease = holdsLease;
        this.threads = threads;
        this.inbox = new ArrayBlockingQueue<>(inboxCapacity);
        this.staleAfterMs = staleAfterMs;
    }

    void stop() {
        running = false;
    }

    @Override
    public boolean offerLocal(HubEvent event) {
        return active && inbox.offer(event);
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void run() {
        while (running) {
            if (!holdsLease.getAsBoolean()) {
                Backoff.sleep(200);
                continue;
            }
            // two connections: a container allows one session per JMS connection
            try (jakarta.jms.Connection outbound = factory.get().createConnection();
                 jakarta.jms.Connection inbound = factory.get().createConnection()) {
                sequence(outbound, inbound);
            } catch (HistoryStore.Fenced e) {
                LOG.log(Level.WARNING, "sequencer stepped down: " + e.getMessage());
                Backoff.sleep(SequencerLease.TTL_SECONDS * 1000);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "sequencer lost the broker: " + e);
                if (running) {
                    backoff.pause();
                }
            }
        }
    }

    private void sequence(jakarta.jms.Connection outbound, jakarta.jms.Connection inbound)
            throws JMSException, InterruptedException {
        numbering.takeOver();
        Session out = outbound.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = EventCodec.producer(out, topic.get());
        Session in = inbound.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        IngressReader reader = new IngressReader(in.createConsumer(ingress.get()));
        inbound.start();
        EventCodec.Batch encoder = new EventCodec.Batch();
        BatchForwarding.TopicSend toTopic = events -> send(events, encoder, producer, out);
        if (unforwarded != null) {
            forwarding.forward(unforwarded, toTopic);
            unforwarded = null;
        }
        Thread readerThread = threads.apply("switchboard-ingress-reader", reader);
        readerThread.start();
        active = true;
        LOG.info("sequencer active");
        backoff.reset();
        List<HubEvent> taken = new ArrayList<>();
        boolean handOver = false;
        try {
            while (running && holdsLease.getAsBoolean() && !reader.failed) {
                HubEvent first = inbox.poll(250, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.clear();
                long bytes = 0;
                for (HubEvent event = first; event != null;
                     event = taken.size() >= EventCodec.Batch.MAX_EVENTS || bytes >= EventCodec.Batch.MAX_BYTES ? null : inbox.poll()) {
                    taken.add(event);
                    bytes += event.dataJson() == null ? 64 : event.dataJson().length() + 64;
                }
                List<HubEvent> numbered = numbering.number(taken, System.currentTimeMillis() - staleAfterMs);
                HubEvent firstRejected = null;
                int rejected = 0;
                for (HubEvent event : numbered) {
                    if (event.kind() == HubEvent.Kind.REJECTED) {
                        firstRejected = firstRejected == null ? event : firstRejected;
                        rejected++;
                    }
                }
                if (rejected > 0) {
                    LOG.warning("rejected " + rejected + " of " + numbered.size() + " publications, e.g. on channel "
                            + firstRejected.channel() + ": " + firstRejected.dataJson());
                }
                try {
                    forwarding.forward(numbered, toTopic);
                } catch (JMSException | RuntimeException e) {
                    // stored already (where the channel keeps history): members must still get it
                    unforwarded = numbered;
                    throw e;
                }
            }
            if (reader.failed) {
                throw new JMSException("ingress reader lost the broker");
            }
            LOG.info(running ? "sequencer stepped down: this member no longer holds the lease" : "sequencer stopped");
            handOver = true;
        } finally {
            active = false;
            reader.running = false;
            readerThread.join(1000);
            List<HubEvent> left = new ArrayList<>();
            inbox.drainTo(left);
            if (handOver && !left.isEmpty()) {
                answerUnnumbered(left, toTopic);
            }
            // otherwise (the broker failed) their publishers are answered by the publish timeout
        }
    }

    /**
     * Events this member took but will not number (it stepped down, or the hub stops) go to the
     * topic as they are for presence and as rejected for messages: every publisher, on whichever
     * member, is told {@code unavailable} now instead of at its publish timeout, and nothing
     * unnumbered is dropped without an answer.
     */
    private void answerUnnumbered(List<HubEvent> left, BatchForwarding.TopicSend toTopic) {
        List<HubEvent> answers = new ArrayList<>();
        try {
            for (HubEvent event : left) {
                if (answers.size() == EventCodec.Batch.MAX_EVENTS) {
                    forwarding.forward(answers, toTopic);
                    answers = new ArrayList<>();
                }
                answers.add(notNumbered(event));
            }
            forwarding.forward(answers, toTopic);
            LOG.info("answered " + left.size() + " events taken but not numbered");
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not answer " + left.size() + " unnumbered events; their publishers time out: " + e);
        }
    }

    /**
     * Sends events to the topic as one batch, tagged so that this member's own subscription skips
     * it. Encoded only here: a member alone in the grid never encodes its batches.
     */
    private void send(List<HubEvent> events, EventCodec.Batch batch, MessageProducer producer, Session out)
            throws JMSException {
        batch.clear();
        events.forEach(batch::add);
        Message message = batch.toMessage(out);
        message.setJMSType(ownTag);
        producer.send(message);
    }

    /** What the members are told of an event this member took but will not number. */
    static HubEvent notNumbered(HubEvent event) {
        return event.isMessage() ? event.rejected("the numbering member changed before numbering it") : event;
    }

    /** Moves other members' batches from the ingress queue into the inbox, in queue order. */
    private final class IngressReader implements Runnable {
        private final MessageConsumer consumer;
        volatile boolean running = true;
        volatile boolean failed;

        IngressReader(MessageConsumer consumer) {
            this.consumer = consumer;
        }

        @Override
        public void run() {
            try {
                while (running) {
                    Message message = consumer.receive(250);
                    if (message != null) {
                        for (HubEvent event : readable(message)) {
                            while (running && !inbox.offer(event, 250, TimeUnit.MILLISECONDS)) {
                                // the sequencer is behind: wait for room rather than drop
                            }
                        }
                    }
                }
            } catch (JMSException | RuntimeException e) {
                LOG.log(Level.WARNING, "ingress reader lost the broker: " + e);
                failed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
}
