package org.switchboard.container;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the writer threads Grizzly worker threads. Grizzly (Payara's HTTP layer) takes the buffer
 * for each socket write from a pool owned by the current thread when that thread is one of its
 * own {@code DefaultWorkerThread}s, and allocates a fresh buffer otherwise, so writes started on a
 * plain thread made most of the hub's garbage (docs/benchmarks-history.md, round 2). These
 * threads are not made by the container's {@code ManagedThreadFactory}; they carry the
 * application's class loader as context and run only the hub's own write tasks, which need no
 * other container context.
 */
final class GrizzlyWriterThreads implements WriterThreads {

    /** Grizzly's worker-thread constructor and the pieces it needs. */
    record Handles(Constructor<?> constructor, Object attributes, Object memory, Method createPool) {

        static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> workerThread = Class.forName("org.glassfish.grizzly.threadpool.DefaultWorkerThread", false, loader);
            Class<?> attributeBuilder = Class.forName("org.glassfish.grizzly.attributes.AttributeBuilder", false, loader);
            Class<?> memoryManager = Class.forName("org.glassfish.grizzly.memory.MemoryManager", false, loader);
            Class<?> threadLocalPool = Class.forName("org.glassfish.grizzly.memory.ThreadLocalPool", false, loader);
            Class<?> poolProvider = Class.forName("org.glassfish.grizzly.memory.ThreadLocalPoolProvider", false, loader);
            Constructor<?> constructor = workerThread.getConstructor(attributeBuilder, String.class, threadLocalPool, Runnable.class);
            Method createPool = poolProvider.getMethod("createThreadLocalPool");
            Object attributes = attributeBuilder.getField("DEFAULT_ATTRIBUTE_BUILDER").get(null);
            Object memory = memoryManager.getField("DEFAULT_MEMORY_MANAGER").get(null);
            if (!poolProvider.isInstance(memory)) {
                throw new ClassCastException("Grizzly's default memory manager " + memory.getClass().getName()
                        + " keeps no per-thread pools");
            }
            return new Handles(constructor, attributes, memory, createPool);
        }
    }

    private final Handles handles;
    private final ClassLoader contextLoader;

    private GrizzlyWriterThreads(Handles handles, ClassLoader contextLoader) {
        this.handles = handles;
        this.contextLoader = contextLoader;
    }

    /** Resolves and makes one thread, so that a mismatch shows here and not in the pool. */
    static GrizzlyWriterThreads create(Handles handles, ClassLoader contextLoader) throws ReflectiveOperationException {
        GrizzlyWriterThreads threads = new GrizzlyWriterThreads(handles, contextLoader);
        threads.newThread("switchboard-probe", () -> { });
        return threads;
    }

    @Override
    public ThreadFactory factory(String name, ThreadFactory plain) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            try {
                return newThread(name + "-" + count.incrementAndGet(), runnable);
            } catch (ReflectiveOperationException e) {
                return plain.newThread(runnable);
            }
        };
    }

    private Thread newThread(String name, Runnable runnable) throws ReflectiveOperationException {
        Thread thread = (Thread) handles.constructor().newInstance(handles.attributes(), name,
                handles.createPool().invoke(handles.memory()), runnable);
        thread.setDaemon(true);
        thread.setContextClassLoader(contextLoader);
        return thread;
    }
}
