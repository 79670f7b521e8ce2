package org.switchboard.cluster;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands this member's events to the sequencer: directly when this member is the sequencer (no
 * broker round trip), otherwise through the ingress queue, from one long-lived JMS connection on its own
 * thread. One producer keeps each publisher's messages in order; non-persistent delivery without
 * a transaction makes a send a single write to the broker, and everything queued since the last
 * send goes as one batch ({@link EventCodec.Batch}). Callers only enqueue, so no container
 * thread waits for the broker.
 * <p>
 * A non-persistent send "succeeds" even into a connection the broker has already dropped, so an
 * event counts as published only when it comes back from the topic, sequenced ({@link #confirm}).
 * An event that is neither confirmed nor failed within the timeout is answered with a timeout:
 * no caller waits without bound and no loss goes unreported.
 */
final class IngressPublisher implements Runnable {

    private static final Logger LOG = Logger.getLogger(IngressPublisher.class.getName());

    /** One event waiting for the broker; answered exactly once, by the sender, the echo or the watchdog. */
    private final class Pending {
        final HubEvent event;
        final long enqueuedNanos = System.nanoTime();
        private final Consumer<Throwable> done;
        private final AtomicBoolean answered = new AtomicBoolean();
        private boolean viaQueue;

        Pending(HubEvent event, Consumer<Throwable> done) {
            this.event = event;
            this.done = done;
        }

        void answer(Throwable failure) {
            if (answered.compareAndSet(false, true)) {
                if (viaQueue) {
                    unansweredViaQueue.decrementAndGet();
                }
                done.accept(failure);
            }
        }
    }

    /**
     * Publications that took the ingress queue and are not answered yet. While there are any, new
     * ones take the queue too even if this member sequences: a publisher's later message must
     * not overtake its earlier one (right after start, or after this member took the lease).
     */
    private final AtomicInteger unansweredViaQueue = new AtomicInteger();

    private final BlockingQueue<Pending> queue;
    private final Map<String, Pending> awaitingEcho = new ConcurrentHashMap<>();
    private final AtomicLong refs = new AtomicLong();
    private final String refPrefix;
    private final Supplier<ConnectionFactory> factory;
    private final LocalSequencing localSequencer;
    private final Supplier<? extends Destination> target;
    private final long timeoutNanos;
    private final Backoff backoff = new Backoff(100, 5000);
    private volatile boolean running = true;
    private volatile boolean lastFailed;
    private jakarta.jms.Connection connection;
    private Session session;
    private MessageProducer producer;

    IngressPublisher(String refPrefix, int capacity, long timeoutMs, Supplier<ConnectionFactory> factory,
                     Supplier<? extends Destination> destination, LocalSequencing localSequencer) {
        this.localSequencer = localSequencer;
        this.refPrefix = refPrefix + ":";
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.factory = factory;
        this.target = destination;
    }

    void publish(HubEvent event, Consumer<Throwable> done) {
        Pending pending = new Pending(event.withRef(refPrefix + refs.incrementAndGet()), done);
        if (!running) {
            pending.answer(new IllegalStateException("hub stopping"));
            return;
        }
        if (localSequencer.isActive() && unansweredViaQueue.get() == 0) {
            awaitingEcho.put(pending.event.ref(), pending);
            if (localSequencer.offerLocal(pending.event)) {
                return;
            }
            awaitingEcho.remove(pending.event.ref());
        }
        pending.viaQueue = true;
        unansweredViaQueue.incrementAndGet();
        if (!queue.offer(pending)) {
            pending.answer(new IllegalStateException("publish queue full"));
        }
    }

    /** Called for every event the topic delivers: answers the publication it confirms, if ours. */
    void confirm(HubEvent event) {
        if (event.ref() != null && event.ref().startsWith(refPrefix)) {
            Pending pending = awaitingEcho.remove(event.ref());
            if (pending != null) {
                lastFailed = false;
                pending.answer(null);
            }
        }
    }

    /** False after a publication failed or timed out, until one is confirmed or the broker is back. */
    boolean isUsable() {
        return !lastFailed;
    }

    /** The broker is reachable again (a subscription was just opened). */
    void brokerReachable() {
        lastFailed = false;
    }

    void stop() {
        running = false;
    }

    /** Answers every event that has waited longer than the timeout. Called periodically. */
    void expireOverdue() {
        long now = System.nanoTime();
        Pending head;
        // the queue is in arrival order, so the overdue ones are at its head
        while ((head = queue.peek()) != null && now - head.enqueuedNanos > timeoutNanos) {
            if (queue.remove(head)) {
                overdue(head);
            }
        }
        for (Pending pending : awaitingEcho.values()) {
            if (now - pending.enqueuedNanos > timeoutNanos && awaitingEcho.remove(pending.event.ref(), pending)) {
                overdue(pending);
            }
        }
    }

    private void overdue(Pending pending) {
        lastFailed = true;
        pending.answer(new TimeoutException("the message topic did not confirm the event in time"));
    }

    @Override
    public void run() {
        List<Pending> sending = new ArrayList<>();
        EventCodec.Batch batch = new EventCodec.Batch();
        while (running) {
            Pending first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                continue;
            }
            batch.clear();
            sending.clear();
            long now = System.nanoTime();
            for (Pending pending = first; pending != null; pending = batch.isFull() ? null : queue.poll()) {
                if (now - pending.enqueuedNanos > timeoutNanos) {
                    overdue(pending);
                    continue;
                }
                awaitingEcho.put(pending.event.ref(), pending);
                batch.add(pending.event);
                sending.add(pending);
            }
            if (batch.isEmpty()) {
                continue;
            }
            try {
                sendWithOneRetry(batch);
                backoff.reset();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "publish to ingress queue failed: " + e);
                lastFailed = true;
                for (Pending pending : sending) {
                    awaitingEcho.remove(pending.event.ref());
                    pending.answer(e);
                }
                if (running && !backoff.pause()) {
                    break;
                }
            }
        }
        closeConnection();
        IllegalStateException stopping = new IllegalStateException("hub stopping");
        Pending left;
        while ((left = queue.poll()) != null) {
            left.answer(stopping);
        }
        awaitingEcho.values().forEach(p -> p.answer(stopping));
        awaitingEcho.clear();
    }

    /**
     * A connection that lived through a broker restart is closed without anyone noticing until it
     * is used; so a failure on a connection opened earlier is retried once on a fresh one.
     */
    private void sendWithOneRetry(EventCodec.Batch batch) throws Exception {
        boolean reused = connection != null;
        try {
            ensureOpen();
            producer.send(batch.toMessage(session));
        } catch (Exception first) {
            closeConnection();
            if (!reused) {
                throw first;
            }
            try {
                ensureOpen();
                producer.send(batch.toMessage(session));
            } catch (Exception second) {
                closeConnection();
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private void ensureOpen() throws JMSException {
        if (connection == null) {
            connection = factory.get().createConnection();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            producer = EventCodec.producer(session, target.get());
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                LOG.log(Level.FINE, "closing JMS connection", e);
            }
            connection = null;
            session = null;
            producer = null;
        }
    }
}
