package org.switchboard.connection;

import org.switchboard.protocol.TextFrames;

import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SendQueueTest {

    static byte[] u(String envelope) {
        return TextFrames.of(envelope.getBytes(StandardCharsets.UTF_8));
    }

    /** A socket whose writes complete only when the test says so. */
    static class ManualSink implements FrameSink {
        final List<String> frames = new ArrayList<>();
        final List<Completion> pending = new ArrayList<>();

        @Override
        public void sendAsync(byte[] frame, Completion done) {
            frames.add(TextFrames.payloadText(frame));
            pending.add(done);
        }

        void complete(Throwable error) {
            pending.remove(0).written(error);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(CloseReason reason) {
        }

        @Override
        public void closeNow(CloseReason reason) {
        }
    }

    @Test
    void oneWriteInFlightAndQueuedEnvelopesBatchedInOneFrame() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 1000);
        assertThat(queue.offer(u("a"))).isTrue();
        assertThat(sink.frames).containsExactly("a");
        queue.offer(u("b"));
        queue.offer(u("c"));
        assertThat(sink.frames).hasSize(1);
        sink.complete(null);
        assertThat(sink.frames).containsExactly("a", "b\nc");
        sink.complete(null);
        assertThat(queue.size()).isZero();
        queue.offer(u("d"));
        assertThat(sink.frames).containsExactly("a", "b\nc", "d");
    }

    @Test
    void batchesRespectTheByteBudget() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 7);
        queue.offer(u("0"));
        queue.offer(u("111"));
        queue.offer(u("222"));
        queue.offer(u("333"));
        sink.complete(null);
        sink.complete(null);
        assertThat(sink.frames).containsExactly("0", "111\n222", "333");
    }

    @Test
    void theBudgetCountsUtf8BytesNotChars() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 9);
        queue.offer(u("0"));
        queue.offer(u("éé")); // 4 bytes
        queue.offer(u("€")); // 3 bytes: 4 + 1 + 3 = 8 fits
        queue.offer(u("é")); // 2 more would make 11
        sink.complete(null);
        sink.complete(null);
        assertThat(sink.frames).containsExactly("0", "éé\n€", "é");
    }

    @Test
    void refusesWhenFullWithoutBlocking() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 3, 1000);
        assertThat(queue.offer(u("1"))).isTrue(); // in flight
        assertThat(queue.offer(u("2"))).isTrue();
        assertThat(queue.offer(u("3"))).isTrue();
        assertThat(queue.offer(u("4"))).isTrue();
        assertThat(queue.offer(u("5"))).isFalse();
        sink.complete(null);
        assertThat(queue.offer(u("6"))).isTrue();
    }

    @Test
    void aFailedWriteStopsTheQueue() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 3, 1000);
        queue.offer(u("1"));
        queue.offer(u("2"));
        sink.complete(new RuntimeException("broken pipe"));
        assertThat(queue.offer(u("3"))).isFalse();
        assertThat(sink.frames).containsExactly("1");
    }

    @Test
    void drainThenWaitsForTheWriteInFlightAndDropsTheRest() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 1000);
        List<String> events = new ArrayList<>();
        queue.offer(u("1"));
        queue.offer(u("2"));
        queue.drainThen(() -> events.add("closed"));
        assertThat(events).isEmpty();
        assertThat(queue.offer(u("3"))).isFalse();
        sink.complete(null);
        assertThat(events).containsExactly("closed");
        assertThat(sink.frames).containsExactly("1");
    }

    @Test
    void drainThenRunsAtOnceWhenIdle() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 1000);
        List<String> events = new ArrayList<>();
        queue.drainThen(() -> events.add("closed"));
        assertThat(events).containsExactly("closed");
    }

    @Test
    void flushThenSendsWhatIsQueuedTakesNothingNewAndRunsAfterTheLastWrite() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 2);
        List<String> events = new ArrayList<>();
        queue.offer(u("1"));
        queue.offer(u("2"));
        queue.offer(u("3"));
        queue.flushThen(() -> events.add("closed"));
        assertThat(queue.offer(u("4"))).isFalse();
        sink.complete(null);
        assertThat(events).isEmpty();
        sink.complete(null);
        assertThat(events).isEmpty();
        sink.complete(null);
        assertThat(events).containsExactly("closed");
        assertThat(sink.frames).containsExactly("1", "2", "3");
    }

    @Test
    void flushThenRunsAtOnceWhenIdleAndOnAFailedWrite() {
        ManualSink sink = new ManualSink();
        SendQueue idle = new SendQueue(sink, Runnable::run, 10, 1000);
        List<String> events = new ArrayList<>();
        idle.flushThen(() -> events.add("idle"));
        assertThat(events).containsExactly("idle");

        SendQueue failing = new SendQueue(sink, Runnable::run, 10, 2);
        failing.offer(u("a"));
        failing.offer(u("b"));
        failing.flushThen(() -> events.add("failed"));
        sink.complete(new java.io.IOException("reset"));
        assertThat(events).containsExactly("idle", "failed");
    }

    @Test
    void synchronousCompletionDrainsEverythingInOrder() {
        List<String> written = new ArrayList<>();
        FrameSink immediate = new ManualSink() {
            @Override
            public void sendAsync(byte[] frame, Completion done) {
                written.add(TextFrames.payloadText(frame));
                done.written(null);
            }
        };
        SendQueue queue = new SendQueue(immediate, Runnable::run, 100, 1000);
        for (int i = 0; i < 50; i++) {
            queue.offer(u(Integer.toString(i)));
        }
        assertThat(String.join("\n", written).split("\n")).hasSize(50).startsWith("0", "1").endsWith("49");
        assertThat(queue.size()).isZero();
    }
}
