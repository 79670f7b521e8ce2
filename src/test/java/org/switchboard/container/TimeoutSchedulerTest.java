package org.switchboard.container;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimeoutSchedulerTest {

    private final TimeoutScheduler scheduler = new TimeoutScheduler(Thread::new);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aZeroDelayQueuesNothingAndNeverRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> future = scheduler.schedule(() -> {
            runs.incrementAndGet();
        }, 0, TimeUnit.MILLISECONDS);

        assertThat(future.isDone()).isTrue();
        assertThat(future.cancel(false)).isFalse();
        assertThat(scheduler.getQueue()).isEmpty();
        // a task queued after it runs after it, so when the latch opens the skipped one had its chance
        CountDownLatch later = new CountDownLatch(1);
        scheduler.execute(later::countDown);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(runs).hasValue(0);
    }

    @Test
    void executeAndSubmitStillRun() throws Exception {
        CountDownLatch ran = new CountDownLatch(2);
        scheduler.execute(ran::countDown);
        scheduler.submit((Runnable) ran::countDown);

        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRealTimeoutStillFires() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        scheduler.schedule(fired::countDown, 10, TimeUnit.MILLISECONDS);

        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
