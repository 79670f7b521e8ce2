package org.switchboard.cluster;

import jakarta.jms.JMSException;
import org.junit.jupiter.api.Test;
import org.switchboard.bus.HubEvent;
import org.switchboard.protocol.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sequencer's own member gets its batches directly; the topic carries them only when the grid
 * has other members, and a batch whose topic send fails is not delivered here (it is retried).
 */
class BatchForwardingTest {

    private static final List<HubEvent> EVENTS = List.of(HubEvent.message("room:1", new Member("c-1", "alice"), "{}").at(1, 1));

    @Test
    void aMemberAloneDeliversWithoutTheTopic() throws JMSException {
        List<List<HubEvent>> delivered = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        new BatchForwarding(() -> true, delivered::add).forward(EVENTS, batch -> sent.incrementAndGet());

        assertThat(sent).hasValue(0);
        assertThat(delivered).containsExactly(EVENTS);
    }

    @Test
    void withOtherMembersTheBatchGoesToTheTopicFirstThenHere() throws JMSException {
        List<String> order = new ArrayList<>();
        new BatchForwarding(() -> false, events -> order.add("local " + events.size()))
                .forward(EVENTS, batch -> order.add("topic " + batch.size()));

        assertThat(order).containsExactly("topic 1", "local 1");
    }

    @Test
    void aFailedTopicSendIsNotDeliveredHere() {
        List<List<HubEvent>> delivered = new ArrayList<>();
        BatchForwarding forwarding = new BatchForwarding(() -> false, delivered::add);

        assertThatThrownBy(() -> forwarding.forward(EVENTS, batch -> {
            throw new JMSException("broker gone");
        })).isInstanceOf(JMSException.class);
        assertThat(delivered).isEmpty();
    }

    @Test
    void aFailureToDeliverHereDoesNotFailTheForward() throws JMSException {
        AtomicInteger sent = new AtomicInteger();
        new BatchForwarding(() -> false, events -> {
            throw new IllegalStateException("delivery broke");
        }).forward(EVENTS, batch -> sent.incrementAndGet());

        assertThat(sent).as("sent once, so not sent again as unforwarded").hasValue(1);
    }

    @Test
    void oneAtATimeKeepsTheSecondThreadOutWhileTheFirstDelivers() throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        OneAtATime handler = new OneAtATime(batch -> {
            if (concurrent.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
        });
        Thread sequencer = new Thread(() -> handler.handle(EVENTS));
        sequencer.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Thread subscriber = new Thread(() -> handler.handle(EVENTS));
        subscriber.start();
        await(subscriber, Thread.State.WAITING);
        release.countDown();
        sequencer.join(10_000);
        subscriber.join(10_000);

        assertThat(overlapped).isFalse();
        assertThat(concurrent).hasValue(0);
    }

    private static void await(Thread thread, Thread.State state) {
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> thread.getState() == state);
    }
}
