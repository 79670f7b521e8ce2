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

    @Test
    void writesWaitForTheEndOfTheRoundAndWhatQueuedMeanwhileGoesInTheSameFrame() {
        HeldTasks writers = new HeldTasks();
        SendQueueTest.ManualSink sink = new SendQueueTest.ManualSink();
        SendQueue queue = new SendQueue(sink, writers, 10, 1000);
        WriteRound round = new WriteRound(writers, 2);

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
        HeldTasks writers = new HeldTasks();
        SendQueueTest.ManualSink sink = new SendQueueTest.ManualSink();
        SendQueue queue = new SendQueue(sink, writers, 10, 1000);
        WriteRound round = new WriteRound(writers, 2);

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
        HeldTasks writers = new HeldTasks();
        WriteRound round = new WriteRound(writers, 2);
        List<SendQueueTest.ManualSink> sinks = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            SendQueueTest.ManualSink sink = new SendQueueTest.ManualSink();
            sinks.add(sink);
            new SendQueue(sink, writers, 10, 1000).offer(u("m"), round);
        }
        round.start();
        assertThat(writers.tasks).hasSize(2);
        writers.runAll();
        assertThat(sinks).allSatisfy(sink -> assertThat(sink.frames).containsExactly("m"));

        // the round is empty again and reusable
        round.start();
        assertThat(writers.tasks).isEmpty();
    }

    @Test
    void aSmallRoundIsOneTask() {
        HeldTasks writers = new HeldTasks();
        WriteRound round = new WriteRound(writers, 2);
        for (int i = 0; i < WriteRound.ONE_TASK_MAX; i++) {
            new SendQueue(new SendQueueTest.ManualSink(), writers, 10, 1000).offer(u("m"), round);
        }
        round.start();
        assertThat(writers.tasks).hasSize(1);
    }
}
