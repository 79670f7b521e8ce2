package org.switchboard.container;

import org.junit.jupiter.api.Test;

import java.util.LinkedList;
import java.util.concurrent.LinkedTransferQueue;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker queue is counted only as far as the shedding decision needs. */
class WorkerBacklogCountTest {

    @Test
    void aConcurrentQueueIsCountedUpToTheBoundOnly() {
        LinkedTransferQueue<Runnable> tasks = new LinkedTransferQueue<>();
        IntStream.range(0, 10_000).forEach(i -> tasks.add(() -> { }));
        assertThat(GrizzlyWorkerBacklog.countUpTo(tasks, 129)).isEqualTo(129);
        assertThat(GrizzlyWorkerBacklog.countUpTo(new LinkedTransferQueue<>(java.util.List.<Runnable>of(() -> { }, () -> { })), 129)).isEqualTo(2);
    }

    @Test
    void aPlainQueueGivesItsSizeCappedAtTheBound() {
        LinkedList<Runnable> tasks = new LinkedList<>();
        IntStream.range(0, 300).forEach(i -> tasks.add(() -> { }));
        assertThat(GrizzlyWorkerBacklog.countUpTo(tasks, 129)).isEqualTo(129);
        tasks.subList(5, 300).clear();
        assertThat(GrizzlyWorkerBacklog.countUpTo(tasks, 129)).isEqualTo(5);
    }
}
