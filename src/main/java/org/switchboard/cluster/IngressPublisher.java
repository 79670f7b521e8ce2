package org.switchboard.cluster;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Destination;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends this member's events to the ingress queue from one long-lived JMS context on its own
 * thread. One producer keeps each publisher's messages in order; non-persistent delivery without
 * a transaction makes a send a single write to the broker. Callers only enqueue, so no container
 * thread waits for the broker; an event that waits longer than the timeout fails instead of
 * hanging.
 */
final class IngressPublisher implements Runnable {

    private static final Logger LOG = Logger.getLogger(IngressPublisher.class.getName());

    /** One event waiting for the broker; answered exactly once, by the sender or the watchdog. */
    private static final class Pending {
        final HubEvent event;
        final long enqueuedNanos = System.nanoTime();
        private final Consumer<Throwable> done;
        private final AtomicBoolean answered = new AtomicBoolean();

        Pending(HubEvent event, Consumer<Throwable> done) {
            this.event = event;
            this.done = done;
        }

        void answer(Throwable failure) {
            if (answered.compareAndSet(false, true)) {
                done.accept(failure);
            }
        }
    }

    private final BlockingQueue<Pending> queue;
    private final Supplier<ConnectionFactory> factory;
    private final Supplier<? extends Destination> target;
    private final long timeoutNanos;
    private final Backoff backoff = new Backoff(100, 5000);
    private volatile boolean running = true;
    private volatile boolean lastFailed;
    private volatile Pending inFlight;
    private JMSContext context;
    private JMSProducer producer;
    private Destination destination;

    IngressPublisher(int capacity, long timeoutMs, Supplier<ConnectionFactory> factory, Supplier<? extends Destination> destination) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.factory = factory;
        this.target = destination;
    }

    void publish(HubEvent event, Consumer<Throwable> done) {
        if (!running || !queue.offer(new Pending(event, done))) {
            done.accept(new IllegalStateException("publish queue full"));
        }
    }

    /** False after a send failed, until a send succeeds again. */
    boolean isUsable() {
        return !lastFailed;
    }

    void stop() {
        running = false;
    }

    /**
     * Answers every event that has waited longer than the timeout, including one whose send is
     * stuck on an unreachable broker, so no client waits without bound. Called periodically.
     */
    void expireOverdue() {
        long now = System.nanoTime();
        TimeoutException overdue = new TimeoutException("broker did not take the event in time");
        Pending current = inFlight;
        if (current != null && now - current.enqueuedNanos > timeoutNanos) {
            lastFailed = true;
            current.answer(overdue);
        }
        for (Pending pending : queue) {
            if (now - pending.enqueuedNanos > timeoutNanos && queue.remove(pending)) {
                pending.answer(overdue);
            }
        }
    }

    @Override
    public void run() {
        while (running) {
            Pending pending;
            try {
                pending = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (pending == null) {
                continue;
            }
            if (System.nanoTime() - pending.enqueuedNanos > timeoutNanos) {
                pending.answer(new TimeoutException("broker did not take the event in time"));
                continue;
            }
            inFlight = pending;
            try {
                sendWithOneRetry(pending.event);
                backoff.reset();
                lastFailed = false;
                inFlight = null;
                pending.answer(null);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "publish to ingress queue failed: " + e);
                lastFailed = true;
                inFlight = null;
                pending.answer(e);
                if (running && !backoff.pause()) {
                    break;
                }
            }
        }
        closeContext();
        Pending left;
        while ((left = queue.poll()) != null) {
            left.answer(new IllegalStateException("hub stopping"));
        }
    }

    /**
     * A context that lived through a broker restart is closed without anyone noticing until it
     * is used; so a failure on a context opened earlier is retried once on a fresh one.
     */
    private void sendWithOneRetry(HubEvent event) throws Exception {
        boolean reused = context != null;
        try {
            ensureOpen();
            producer.send(destination, EventCodec.toMessage(context, event));
        } catch (Exception first) {
            closeContext();
            if (!reused) {
                throw first;
            }
            try {
                ensureOpen();
                producer.send(destination, EventCodec.toMessage(context, event));
            } catch (Exception second) {
                closeContext();
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private void ensureOpen() {
        if (context == null) {
            context = factory.get().createContext(JMSContext.AUTO_ACKNOWLEDGE);
            producer = context.createProducer()
                    .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                    .setDisableMessageID(true)
                    .setDisableMessageTimestamp(true);
            destination = target.get();
        }
    }

    private void closeContext() {
        if (context != null) {
            try {
                context.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing JMS context", e);
            }
            context = null;
            producer = null;
        }
    }
}
