package org.switchboard.cluster;

import jakarta.jms.JMSRuntimeException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The topic subscription's reconnect loop ends only when it is stopped: an interrupt while the
 * broker is away used to end it silently, and the member stayed cut off from the topic.
 */
class TopicSubscriberTest {

    @Test
    void anInterruptWhileTheBrokerIsAwayDoesNotEndTheSubscription() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        TopicSubscriber subscriber = new TopicSubscriber(() -> {
            attempts.incrementAndGet();
            throw new JMSRuntimeException("broker down");
        }, () -> null, batch -> { }, () -> { });
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
}
