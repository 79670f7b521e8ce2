package org.switchboard.ingress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import org.switchboard.config.HubSettings;
import org.switchboard.config.IngressSettings;
import org.switchboard.connection.HubExecutors;
import org.switchboard.security.Identity;

/**
 * The JMS ingress: any application in the domain (or a client of the same broker) sends a text
 * message to {@code jms/switchboard/Publish} and the hub publishes it like any other publication.
 * Every member consumes from the queue in JTA transactions of a few messages each (a container
 * ignores a transacted JMS session outside one and acknowledges on receipt), so a message is
 * removed only once the hub acknowledged it — or once it went to the dead-letter queue, in the same
 * transaction, with the reason. A transient failure ({@code unavailable}, the broker going away)
 * rolls the batch back: its messages come again, with the same keys, and each is published once.
 */
@ApplicationScoped
public class JmsIngress {

    private static final Logger LOG = Logger.getLogger(JmsIngress.class.getName());
    /** How publications from the JMS ingress are marked in {@code from.connection}. */
    static final String VIA = "jms";
    static final String REASON = "reason";
    static final String REASON_MESSAGE = "reasonMessage";
    static final String ORIGINAL_ID = "originalMessageId";
    private static final String USER_TRANSACTION = "java:comp/UserTransaction";
    /** Messages taken in one transaction: what is waiting, up to this many. */
    static final int BATCH = 50;
    private static final int TRANSACTION_TIMEOUT_S = 60;

    @Inject
    IngressSettings settings;
    @Inject
    HubSettings hub;
    @Inject
    BackendPublisher publisher;
    @Inject
    HubExecutors executors;

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    /** Starts consuming when it is enabled and its queues exist; says at start which it is. */
    public synchronized void start() {
        if (!settings.jmsEnabled()) {
            LOG.info("JMS ingress off (switchboard.ingress.jms.enabled=false)");
            return;
        }
        try {
            lookup(hub.jmsConnectionFactory(), ConnectionFactory.class);
            lookup(settings.jmsQueue(), Queue.class);
            lookup(settings.jmsDeadLetter(), Queue.class);
        } catch (NamingException e) {
            LOG.warning("JMS ingress off: " + e.getMessage() + " (create the queues with server-config/configure-domain.sh)");
            return;
        }
        running = true;
        thread = executors.newThread("switchboard-jms-ingress", this::consume);
        thread.start();
        LOG.info("JMS ingress: publishing what arrives on " + settings.jmsQueue() + " as '" + settings.jmsPrincipal()
                + "'; what cannot be published goes to " + settings.jmsDeadLetter());
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(hub.publishTimeoutMs() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    public long published() {
        return published.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    private void consume() {
        long pauseMs = 100;
        while (running) {
            UserTransaction tx = null;
            try {
                tx = lookup(USER_TRANSACTION, UserTransaction.class);
                ConnectionFactory factory = lookup(hub.jmsConnectionFactory(), ConnectionFactory.class);
                Queue queue = lookup(settings.jmsQueue(), Queue.class);
                Queue deadLetter = lookup(settings.jmsDeadLetter(), Queue.class);
                while (running) {
                    tx.setTransactionTimeout(TRANSACTION_TIMEOUT_S);
                    tx.begin();
                    boolean done;
                    // the context is made inside the transaction, so its session is enlisted in it
                    try (JMSContext context = factory.createContext();
                         JMSConsumer consumer = context.createConsumer(queue)) {
                        done = handleBatch(context, consumer, deadLetter);
                    }
                    if (done) {
                        tx.commit();
                        pauseMs = 100;
                    } else {
                        tx.rollback();
                        pauseMs = pause(pauseMs);
                    }
                }
            } catch (Exception e) {
                rollbackQuietly(tx);
                if (running) {
                    LOG.log(Level.WARNING, "JMS ingress lost its connection; retrying: " + e);
                    pauseMs = pause(pauseMs);
                }
            }
        }
    }

    /**
     * Receives what is waiting (up to {@value #BATCH} messages), publishes the valid ones in order
     * and dead-letters the rest; true when every one is done with, false to have them all again.
     */
    private boolean handleBatch(JMSContext context, JMSConsumer consumer, Queue deadLetter) throws InterruptedException {
        List<Message> batch = new ArrayList<>();
        for (Message m = consumer.receive(250); m != null; m = batch.size() < BATCH ? consumer.receiveNoWait() : null) {
            batch.add(m);
        }
        List<CompletableFuture<PublishOutcome>> outcomes = new ArrayList<>(batch.size());
        for (Message message : batch) {
            outcomes.add(publish(message).toCompletableFuture());
        }
        JMSProducer producer = context.createProducer();
        boolean done = true;
        for (int i = 0; i < batch.size(); i++) {
            PublishOutcome outcome;
            try {
                outcome = outcomes.get(i).get(hub.publishTimeoutMs() + 5000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                done = false; // unknown outcome: the same key makes the retry safe
                continue;
            }
            if (outcome instanceof PublishOutcome.Refused refused) {
                if (refused.error().status() == 503 || refused.error().status() == 0) {
                    done = false;
                } else {
                    deadLetter(batch.get(i), refused.error(), context, producer, deadLetter);
                }
            }
        }
        if (done) {
            outcomes.forEach(o -> {
                if (o.join() instanceof PublishOutcome.Published) {
                    published.incrementAndGet();
                }
            });
        }
        return done;
    }

    /** Publishes one message; an unreadable or invalid one is answered as refused (it is dead-lettered). */
    private CompletionStage<PublishOutcome> publish(Message message) {
        JmsPublication.Read read;
        try {
            read = JmsPublication.read(message);
        } catch (JMSException e) {
            LOG.log(Level.WARNING, "JMS ingress cannot read a message; it comes again", e);
            return CompletableFuture.completedFuture(new PublishOutcome.Refused(new ApiError(0, "unreadable", e.toString())));
        }
        if (read instanceof JmsPublication.Invalid invalid) {
            return CompletableFuture.completedFuture(new PublishOutcome.Refused(invalid.error()));
        }
        JmsPublication.Valid valid = (JmsPublication.Valid) read;
        String name = valid.sender() != null && !valid.sender().isBlank() ? valid.sender().strip() : settings.jmsPrincipal();
        Identity caller = new Identity(settings.jmsPrincipal(), name, settings.jmsGroups(), Map.of(), null, Identity.Source.TOKEN);
        return publisher.publish(caller, VIA, valid.publication());
    }

    private static void rollbackQuietly(UserTransaction tx) {
        try {
            if (tx != null && tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, "JMS ingress rollback failed", e);
        }
    }

    private void deadLetter(Message message, ApiError error, JMSContext context, JMSProducer producer, Queue deadLetter) {
        try {
            Message copy = context.createTextMessage(message instanceof jakarta.jms.TextMessage text ? text.getText() : null);
            for (String property : new String[]{JmsPublication.CHANNEL, JmsPublication.KEY, JmsPublication.SENDER}) {
                String value = message.getStringProperty(property);
                if (value != null) {
                    copy.setStringProperty(property, value);
                }
            }
            copy.setStringProperty(REASON, error.code());
            copy.setStringProperty(REASON_MESSAGE, error.message());
            copy.setStringProperty(ORIGINAL_ID, message.getJMSMessageID());
            producer.send(deadLetter, copy);
            deadLettered.incrementAndGet();
            LOG.info("JMS ingress: dead-lettered " + message.getJMSMessageID() + ": " + error.code() + " - " + error.message());
        } catch (JMSException e) {
            throw new jakarta.jms.JMSRuntimeException("cannot dead-letter " + e.getMessage());
        }
    }

    private long pause(long pauseMs) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(pauseMs / 2, pauseMs + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        return Math.min(Duration.ofSeconds(5).toMillis(), pauseMs * 2);
    }

    private static <T> T lookup(String name, Class<T> type) throws NamingException {
        return type.cast(new InitialContext().lookup(name));
    }
}
