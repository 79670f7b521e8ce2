package org.switchboard.connection;

import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class SendQueueTest {

    /** A socket whose writes complete only when the test says so. */
    static class ManualSink implements FrameSink {
        final List<String> frames = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();

        @Override
        public void sendAsync(String text, Consumer<Throwable> done) {
            frames.add(text);
            pending.add(done);
        }

        void complete(Throwable error) {
            pending.remove(0).accept(error);
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
        assertThat(queue.offer("a")).isTrue();
        assertThat(sink.frames).containsExactly("a");
        queue.offer("b");
        queue.offer("c");
        assertThat(sink.frames).hasSize(1);
        sink.complete(null);
        assertThat(sink.frames).containsExactly("a", "b\nc");
        sink.complete(null);
        assertThat(queue.size()).isZero();
        queue.offer("d");
        assertThat(sink.frames).containsExactly("a", "b\nc", "d");
    }

    @Test
    void batchesRespectTheByteBudget() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 7);
        queue.offer("0");
        queue.offer("111");
        queue.offer("222");
        queue.offer("333");
        sink.complete(null);
        sink.complete(null);
        assertThat(sink.frames).containsExactly("0", "111\n222", "333");
    }

    @Test
    void refusesWhenFullWithoutBlocking() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 3, 1000);
        assertThat(queue.offer("1")).isTrue(); // in flight
        assertThat(queue.offer("2")).isTrue();
        assertThat(queue.offer("3")).isTrue();
        assertThat(queue.offer("4")).isTrue();
        assertThat(queue.offer("5")).isFalse();
        sink.complete(null);
        assertThat(queue.offer("6")).isTrue();
    }

    @Test
    void aFailedWriteStopsTheQueue() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 3, 1000);
        queue.offer("1");
        queue.offer("2");
        sink.complete(new RuntimeException("broken pipe"));
        assertThat(queue.offer("3")).isFalse();
        assertThat(sink.frames).containsExactly("1");
    }

    @Test
    void drainThenWaitsForTheWriteInFlightAndDropsTheRest() {
        ManualSink sink = new ManualSink();
        SendQueue queue = new SendQueue(sink, Runnable::run, 10, 1000);
        List<String> events = new ArrayList<>();
        queue.offer("1");
        queue.offer("2");
        queue.drainThen(() -> events.add("closed"));
        assertThat(events).isEmpty();
        assertThat(queue.offer("3")).isFalse();
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
    void synchronousCompletionDrainsEverythingInOrder() {
        List<String> written = new ArrayList<>();
        FrameSink immediate = new ManualSink() {
            @Override
            public void sendAsync(String text, Consumer<Throwable> done) {
                written.add(text);
                done.accept(null);
            }
        };
        SendQueue queue = new SendQueue(immediate, Runnable::run, 100, 1000);
        for (int i = 0; i < 50; i++) {
            queue.offer(Integer.toString(i));
        }
        assertThat(String.join("\n", written).split("\n")).hasSize(50).startsWith("0", "1").endsWith("49");
        assertThat(queue.size()).isZero();
    }
}
