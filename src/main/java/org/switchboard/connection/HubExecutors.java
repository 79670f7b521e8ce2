package org.switchboard.connection;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.concurrent.ManagedThreadFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The hub's own background threads, made by the container's managed thread factory so they carry
 * the application's context. Heartbeats and closes run here, never on a container I/O thread.
 * (Payara's default managed scheduled executor is deliberately disabled by server-config, see
 * docs/operations.md, so the hub does not use it.)
 */
@ApplicationScoped
public class HubExecutors {

    @Resource
    ManagedThreadFactory threadFactory;

    private ScheduledExecutorService scheduler;
    private TimeoutScheduler websocketIdleTasks;
    private java.util.concurrent.ExecutorService writers;
    private int writerThreads;

    @PostConstruct
    void start() {
        scheduler = Executors.newScheduledThreadPool(1, named("switchboard-scheduler"));
        websocketIdleTasks = new TimeoutScheduler(named("switchboard-tyrus-idle"));
        writerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        writers = Executors.newFixedThreadPool(writerThreads,
                GrizzlyWriterThreads.factory("switchboard-writer", Thread.currentThread().getContextClassLoader())
                        .orElseGet(() -> named("switchboard-writer")));
    }

    /** Threads that start writes to idle connections, so fan-out uses every core. */
    public java.util.concurrent.Executor writers() {
        return writers;
    }

    public int writerThreads() {
        return writerThreads;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Takes Tyrus' per-frame idle-timeout tasks (see {@code TyrusIdleTimeoutBypass}); skips the no-op ones. */
    public ScheduledExecutorService websocketIdleTasks() {
        return websocketIdleTasks;
    }

    /** A thread for a long-running loop of the hub (JMS consumer, publisher). */
    public Thread newThread(String name, Runnable loop) {
        Thread thread = threadFactory.newThread(loop);
        thread.setName(name);
        thread.setDaemon(true);
        return thread;
    }

    private ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = threadFactory.newThread(runnable);
            thread.setName(name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @PreDestroy
    void stop() {
        websocketIdleTasks.shutdownNow();
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
