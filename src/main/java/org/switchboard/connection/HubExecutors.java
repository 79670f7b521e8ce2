package org.switchboard.connection;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import org.switchboard.container.WriterThreads;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The hub's own background threads. The scheduler and the long-running JMS loops come from the
 * container's {@link ManagedThreadFactory}, so they carry the application's context; the writer
 * threads come from {@link WriterThreads} (Grizzly worker threads when that adaptation is active),
 * because they only start socket writes. Heartbeats and closes run here, never on a container
 * I/O thread. Started and stopped by the hub's lifecycle.
 */
@ApplicationScoped
public class HubExecutors {

    @Resource
    ManagedThreadFactory managedThreads;

    private ThreadFactory threads;
    private ScheduledExecutorService scheduler;
    private ExecutorService writers;
    private int writerThreads;

    /** Executors on plain threads, for unit tests of the hub outside a container. */
    public static HubExecutors started(ThreadFactory threads) {
        HubExecutors executors = new HubExecutors();
        executors.threads = threads;
        executors.start(WriterThreads.PLAIN);
        return executors;
    }

    public synchronized void start(WriterThreads writerFactory) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newScheduledThreadPool(1, named("switchboard-scheduler"));
        writerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        writers = Executors.newFixedThreadPool(writerThreads, writerFactory.factory("switchboard-writer", named("switchboard-writer")));
    }

    /** Threads that start writes to idle connections, so fan-out uses every core. */
    public Executor writers() {
        return writers;
    }

    public int writerThreads() {
        return writerThreads;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** A thread factory of the container's, for threads that are not the hub's own loops (e.g. Tyrus' idle tasks). */
    public ThreadFactory named(String name) {
        ThreadFactory base = threads == null ? managedThreads : threads; // set only by started(), for tests
        return runnable -> {
            Thread thread = base.newThread(runnable);
            thread.setName(name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A thread for a long-running loop of the hub (JMS consumer, sender, sequencer). */
    public Thread newThread(String name, Runnable loop) {
        return named(name).newThread(loop);
    }

    public synchronized void stop() {
        if (scheduler == null) {
            return;
        }
        writers.shutdown();
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
    }
}
