package org.switchboard.container;

import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler for timeouts that are usually switched off, where a zero delay means "no timeout".
 * Tyrus re-arms a session's idle-timeout task on every frame in and out, even when the timeout is
 * 0 (then the task is a no-op that runs at once): one task object, one queue operation and one
 * thread wake-up per frame for nothing. Such a request gets a finished future here instead;
 * real timeouts are scheduled as usual.
 */
public final class TimeoutScheduler extends ScheduledThreadPoolExecutor {

    public TimeoutScheduler(ThreadFactory threads) {
        super(1, threads);
        setRemoveOnCancelPolicy(true);
    }

    /** Runnable only: that is what Tyrus schedules, and a skipped Callable would have no result to give. */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return delay <= 0 ? NotScheduled.INSTANCE : super.schedule(command, delay, unit);
    }

    // the base class implements these two as schedule(command, 0): they must still run
    @Override
    public void execute(Runnable command) {
        super.schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public java.util.concurrent.Future<?> submit(Runnable task) {
        return super.schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    private static final class NotScheduled implements ScheduledFuture<Object> {

        static final NotScheduled INSTANCE = new NotScheduled();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
