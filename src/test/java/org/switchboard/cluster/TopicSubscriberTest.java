package org.switchboard.cluster;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import org.switchboard.bus.HubEvent;
import org.switchboard.protocol.Member;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The topic subscription's reconnect loop ends only when it is stopped: an interrupt while the
 * broker is away used to end it silently, and the member stayed cut off from the topic. It skips
 * the batches of its own member's sequencer, which were delivered on this member directly.
 */
class TopicSubscriberTest {

    private static final String OWN = "switchboard:own";

    @Test
    void batchesOfItsOwnSequencerAreSkippedOthersDelivered() throws InterruptedException {
        BlockingQueue<Message> topic = new LinkedBlockingQueue<>();
        List<List<HubEvent>> delivered = new CopyOnWriteArrayList<>();
        TopicSubscriber subscriber = new TopicSubscriber(() -> factory(topic), () -> null, delivered::add, () -> { }, OWN);
        Thread loop = new Thread(subscriber, "topic-subscriber-test");
        loop.start();
        try {
            List<HubEvent> own = List.of(HubEvent.message("room:1", new Member("c-1", "alice"), "{\"n\":1}").at(1, 1));
            List<HubEvent> other = List.of(HubEvent.message("room:1", new Member("c-2", "bob"), "{\"n\":2}").at(1, 2));
            List<HubEvent> older = List.of(HubEvent.message("room:1", new Member("c-3", "carol"), "{\"n\":3}").at(1, 3));
            topic.add(message(own, OWN));
            topic.add(message(other, "switchboard:another-member"));
            topic.add(message(older, null));

            await().atMost(10, TimeUnit.SECONDS).until(() -> delivered.size() == 2);
            assertThat(delivered).containsExactly(other, older);
        } finally {
            subscriber.stop();
            loop.join(10_000);
        }
    }

    @Test
    void anInterruptWhileTheBrokerIsAwayDoesNotEndTheSubscription() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        TopicSubscriber subscriber = new TopicSubscriber(() -> {
            attempts.incrementAndGet();
            throw new JMSRuntimeException("broker down");
        }, () -> null, batch -> { }, () -> { }, "switchboard:test");
        Thread loop = new Thread(subscriber, "topic-subscriber-test");
        loop.start();
        try {
            await().atMost(10, TimeUnit.SECONDS).until(() -> attempts.get() >= 2);
            loop.interrupt();
            int before = attempts.get();

            await("attempts go on after the interrupt").atMost(20, TimeUnit.SECONDS)
                    .until(() -> attempts.get() >= before + 2);
            assertThat(loop.isAlive()).isTrue();
            assertThat(subscriber.isConnected()).isFalse();
        } finally {
            subscriber.stop();
            loop.join(10_000);
        }
        assertThat(loop.isAlive()).as("ends once stopped").isFalse();
    }

    /** A broker connection whose only consumer receives from {@code topic}; enough JMS for the loop. */
    private static ConnectionFactory factory(BlockingQueue<Message> topic) {
        JMSConsumer consumer = proxy(JMSConsumer.class, (method, args) -> switch (method) {
            case "receive" -> topic.poll((Long) args[0], TimeUnit.MILLISECONDS);
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
        JMSContext context = proxy(JMSContext.class, (method, args) -> switch (method) {
            case "createConsumer" -> consumer;
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
        return proxy(ConnectionFactory.class, (method, args) -> {
            if (method.equals("createContext")) {
                return context;
            }
            throw new UnsupportedOperationException(method);
        });
    }

    private static Message message(List<HubEvent> events, String type) {
        EventCodec.Batch batch = new EventCodec.Batch();
        events.forEach(batch::add);
        byte[] body = batch.toBytes();
        return proxy(BytesMessage.class, (method, args) -> switch (method) {
            case "getJMSType" -> type;
            case "getBodyLength" -> (long) body.length;
            case "readBytes" -> {
                System.arraycopy(body, 0, (byte[]) args[0], 0, body.length);
                yield body.length;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    @FunctionalInterface
    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(TopicSubscriberTest.class.getClassLoader(), new Class<?>[]{type},
                (self, method, args) -> answer.answer(method.getName(), args)));
    }
}
