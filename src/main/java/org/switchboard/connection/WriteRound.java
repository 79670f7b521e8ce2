package org.switchboard.connection;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The send queues one delivery round woke up, whose writes start together when the round ends.
 * <p>
 * Started one by one, every idle queue that a message reaches costs a task on the writer pool and
 * usually a thread wake-up, two per message in the rooms benchmark (docs/benchmarks-history.md,
 * round 5). A round —
 * one batch from the topic, with the {@code ok} replies it confirms — instead hands its queues to
 * the pool in at most one task per writer thread. It also lets a publisher's echo and its
 * {@code ok} go out in one frame when the publisher is subscribed to the channel: the reply is
 * queued behind the echo before the write starts.
 * <p>
 * Owned by one thread (the topic subscriber); not thread-safe.
 */
public final class WriteRound {

    /** Up to this many queues are started by a single task: a thread hand-off costs more than their writes. */
    static final int ONE_TASK_MAX = 16;

    private final Executor writers;
    private final int parallelism;
    private SendQueue[] queues = new SendQueue[64];
    private int count;

    public WriteRound(Executor writers, int parallelism) {
        this.writers = writers;
        this.parallelism = Math.max(1, parallelism);
    }

    /** Called by a queue that became busy during the round instead of starting its write. */
    void add(SendQueue queue) {
        if (count == queues.length) {
            queues = Arrays.copyOf(queues, count * 2);
        }
        queues[count++] = queue;
    }

    /**
     * Starts the writes of every queue added since the last call; must follow every round, even a
     * failed one. When the pool refuses (it is shutting down), the writes start on this thread.
     */
    public void start() {
        if (count == 0) {
            return;
        }
        SendQueue[] started = Arrays.copyOf(queues, count);
        Arrays.fill(queues, 0, count, null);
        count = 0;
        int tasks = started.length <= ONE_TASK_MAX ? 1 : Math.min(parallelism, started.length);
        int from = 0;
        for (int t = 0; t < tasks; t++) {
            int to = from + (started.length - from) / (tasks - t);
            Starts starts = new Starts(started, from, to);
            try {
                writers.execute(starts);
            } catch (RejectedExecutionException e) {
                starts.run();
            }
            from = to;
        }
    }

    /** Starts the queues in {@code [from, to)} of an array no one changes any more. */
    private record Starts(SendQueue[] queues, int from, int to) implements Runnable {
        @Override
        public void run() {
            for (int i = from; i < to; i++) {
                queues[i].run();
            }
        }
    }
}
