package org.switchboard.cluster;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Topic;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends events to the topic from one long-lived JMS context on its own thread. One producer keeps
 * each publisher's messages in order; non-persistent delivery without a transaction makes a send
 * a single write to the broker. Callers only enqueue, so no container thread waits for the broker;
 * an event that waits longer than the timeout fails instead of hanging.
 */
final class TopicPublisher implements Runnable {

    private static final Logger LOG = Logger.getLogger(TopicPublisher.class.getName());

    private record Pending(HubEvent event, Consumer<Throwable> done, long enqueuedNanos) {
    }

    private final BlockingQueue<Pending> queue;
    private final Supplier<ConnectionFactory> factory;
    private final Supplier<Topic> topic;
    private final long timeoutNanos;
    private final Backoff backoff = new Backoff(100, 5000);
    private volatile boolean running = true;
    private volatile boolean connected;
    private JMSContext context;
    private JMSProducer producer;
    private Topic destination;

    TopicPublisher(int capacity, long timeoutMs, Supplier<ConnectionFactory> factory, Supplier<Topic> topic) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.factory = factory;
        this.topic = topic;
    }

    void publish(HubEvent event, Consumer<Throwable> done) {
        if (!running || !queue.offer(new Pending(event, done, System.nanoTime()))) {
            done.accept(new IllegalStateException("publish queue full"));
        }
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
            Pending pending;
            try {
                pending = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (pending == null) {
                continue;
            }
            if (System.nanoTime() - pending.enqueuedNanos() > timeoutNanos) {
                pending.done().accept(new TimeoutException("broker did not take the event in time"));
                continue;
            }
            try {
                ensureOpen();
                producer.send(destination, EventCodec.toMessage(context, pending.event()));
                backoff.reset();
                pending.done().accept(null);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "publish to topic failed: " + e);
                pending.done().accept(e);
                closeContext();
                if (running && !backoff.pause()) {
                    break;
                }
            }
        }
        closeContext();
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().accept(new IllegalStateException("hub stopping"));
        }
    }

    private void ensureOpen() {
        if (context == null) {
            context = factory.get().createContext(JMSContext.AUTO_ACKNOWLEDGE);
            producer = context.createProducer()
                    .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                    .setDisableMessageID(true)
                    .setDisableMessageTimestamp(true);
            destination = topic.get();
            connected = true;
        }
    }

    private void closeContext() {
        connected = false;
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
