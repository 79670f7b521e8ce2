package org.switchboard.cluster;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.switchboard.bus.PublishLedger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends this member's publications to the ingress queue, from one long-lived JMS connection on its
 * own thread. One producer keeps each publisher's messages in order; non-persistent delivery
 * without a transaction makes a send a single write to the broker, and everything queued since
 * the last send goes as one batch ({@link EventCodec.Batch}). Callers only enqueue, so no
 * container thread waits for the broker. Whether a publication arrived is the
 * {@link PublishLedger}'s business: it is answered when its echo comes back from the topic.
 */
final class IngressSender implements Runnable {

    private static final Logger LOG = Logger.getLogger(IngressSender.class.getName());

    private final BlockingQueue<PublishLedger.Pending> queue;
    private final PublishLedger ledger;
    private final Supplier<ConnectionFactory> factory;
    private final Supplier<? extends Destination> target;
    private final Backoff backoff = new Backoff(100, 5000);
    private volatile boolean running = true;
    private jakarta.jms.Connection connection;
    private Session session;
    private MessageProducer producer;

    IngressSender(int capacity, PublishLedger ledger, Supplier<ConnectionFactory> factory,
                  Supplier<? extends Destination> destination) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.ledger = ledger;
        this.factory = factory;
        this.target = destination;
    }

    /** Queues the publication for the next send; false when the queue is full. */
    boolean offer(PublishLedger.Pending pending) {
        return queue.offer(pending);
    }

    void stop() {
        running = false;
    }

    /** Answers the queued publications that have waited longer than the timeout. Called periodically. */
    void expireOverdue() {
        long now = System.nanoTime();
        PublishLedger.Pending head;
        // the queue is in arrival order, so the overdue ones are at its head
        while ((head = queue.peek()) != null && ledger.isOverdue(head, now)) {
            if (queue.remove(head)) {
                ledger.overdue(head);
            }
        }
    }

    @Override
    public void run() {
        List<PublishLedger.Pending> sending = new ArrayList<>();
        EventCodec.Batch batch = new EventCodec.Batch();
        while (running) {
            PublishLedger.Pending first;
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
            for (PublishLedger.Pending pending = first; pending != null; pending = batch.isFull() ? null : queue.poll()) {
                if (ledger.isOverdue(pending, now)) {
                    ledger.overdue(pending);
                    continue;
                }
                ledger.awaitEcho(pending);
                batch.add(pending.event());
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
                for (PublishLedger.Pending pending : sending) {
                    ledger.fail(pending, e);
                }
                if (running) {
                    backoff.pause();
                }
            }
        }
        closeConnection();
        IllegalStateException stopping = new IllegalStateException("hub stopping");
        PublishLedger.Pending left;
        while ((left = queue.poll()) != null) {
            ledger.refuse(left, stopping);
        }
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
