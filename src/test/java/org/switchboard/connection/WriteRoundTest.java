package org.switchboard.connection;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.connection.SendQueueTest.u;

class WriteRoundTest {

    /** An executor that keeps its tasks until the test runs them. */
    static final class HeldTasks implements java.util.concurrent.Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }
    }

    private final HeldTasks writers = new HeldTasks();
    private final SendQueueTest.ManualSink sink = new SendQueueTest.ManualSink();
    private final SendQueue queue = new SendQueue(sink, writers, 10, 1000);
    private final WriteRound round = new WriteRound(writers, 2);

    @Test
    void writesWaitForTheEndOfTheRoundAndWhatQueuedMeanwhileGoesInTheSameFrame() {

        queue.offer(u("echo"), round);
        queue.offer(u("ok"));
        assertThat(writers.tasks).as("no task before the round ends").isEmpty();
        assertThat(sink.frames).isEmpty();

        round.start();
        assertThat(writers.tasks).hasSize(1);
        writers.runAll();
        assertThat(sink.frames).containsExactly("echo\nok");
    }

    @Test
    void aQueueAlreadyWritingIsNotStartedAgain() {

        queue.offer(u("first"));
        writers.runAll();
        queue.offer(u("second"), round);
        round.start();
        assertThat(writers.tasks).isEmpty();
        sink.complete(null);
        assertThat(sink.frames).containsExactly("first", "second");
    }

    @Test
    void aLargeRoundIsSplitOverTheWriterThreadsAndStartsEveryQueueOnce() {
        List<SendQueueTest.ManualSink> sinks = new ArrayList<>();
        List<SendQueue> queues = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            SendQueueTest.ManualSink sink = new SendQueueTest.ManualSink();
            sinks.add(sink);
            SendQueue queue = new SendQueue(sink, writers, 10, 1000);
            queues.add(queue);
            queue.offer(u("m"), round);
        }
        round.start();
        assertThat(writers.tasks).hasSize(2);
        writers.runAll();
        assertThat(sinks).allSatisfy(sink -> {
            assertThat(sink.frames).containsExactly("m");
            assertThat(sink.pending).as("one write in flight").hasSize(1);
        });
        // a queue started twice would have found itself empty and gone idle: the next offer would start a task
        queues.forEach(queue -> queue.offer(u("n")));
        assertThat(writers.tasks).isEmpty();

        // the round is empty again and reusable
        round.start();
        assertThat(writers.tasks).isEmpty();
    }

    @Test
    void aDrainWhileWaitingForTheRoundClosesWhenTheRoundStarts() {
        List<String> closed = new ArrayList<>();

        queue.offer(u("m"), round);
        queue.drainThen(() -> closed.add("closed"));
        assertThat(closed).isEmpty();
        round.start();
        writers.runAll();
        assertThat(closed).containsExactly("closed");
        assertThat(sink.frames).as("what was queued is dropped").isEmpty();
    }

    @Test
    void aRefusingPoolStartsTheWritesOnTheCallingThread() {
        SendQueueTest.ManualSink sink = new SendQueueTest.ManualSink();
        java.util.concurrent.Executor shutDown = task -> {
            throw new java.util.concurrent.RejectedExecutionException("stopping");
        };
        SendQueue queue = new SendQueue(sink, shutDown, 10, 1000);
        WriteRound round = new WriteRound(shutDown, 2);
        queue.offer(u("last"), round);
        round.start();
        assertThat(sink.frames).containsExactly("last");
    }

    @Test
    void aSmallRoundIsOneTask() {
        for (int i = 0; i < WriteRound.ONE_TASK_MAX; i++) {
            new SendQueue(new SendQueueTest.ManualSink(), writers, 10, 1000).offer(u("m"), round);
        }
        round.start();
        assertThat(writers.tasks).hasSize(1);
    }
}
