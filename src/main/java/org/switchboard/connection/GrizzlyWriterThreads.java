package org.switchboard.connection;

import java.lang.reflect.Constructor;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes the writer threads Grizzly worker threads. Grizzly (Payara's HTTP layer) takes the buffer
 * for each socket write from a pool owned by the current thread when that thread is one of its
 * own {@code DefaultWorkerThread}s, and allocates a fresh buffer otherwise. Writes started on a
 * plain thread therefore allocated several kilobytes each: measured under the rooms benchmark,
 * the writer threads made about 60% of all allocation and the hub collected garbage seven times
 * as often as the bare endpoint, whose writes run on Grizzly's threads. Grizzly is reached by
 * reflection because it is not an API of the platform; when it is not visible the factory is
 * empty and the hub uses ordinary threads.
 */
final class GrizzlyWriterThreads {

    private static final Logger LOG = Logger.getLogger(GrizzlyWriterThreads.class.getName());

    private GrizzlyWriterThreads() {
    }

    static Optional<ThreadFactory> factory(String name, ClassLoader contextLoader) {
        try {
            ClassLoader grizzly = GrizzlyWriterThreads.class.getClassLoader();
            Class<?> workerThread = Class.forName("org.glassfish.grizzly.threadpool.DefaultWorkerThread", false, grizzly);
            Class<?> attributeBuilder = Class.forName("org.glassfish.grizzly.attributes.AttributeBuilder", false, grizzly);
            Class<?> memoryManager = Class.forName("org.glassfish.grizzly.memory.MemoryManager", false, grizzly);
            Class<?> threadLocalPool = Class.forName("org.glassfish.grizzly.memory.ThreadLocalPool", false, grizzly);
            Class<?> poolProvider = Class.forName("org.glassfish.grizzly.memory.ThreadLocalPoolProvider", false, grizzly);
            Object attributes = attributeBuilder.getField("DEFAULT_ATTRIBUTE_BUILDER").get(null);
            Object memory = memoryManager.getField("DEFAULT_MEMORY_MANAGER").get(null);
            if (!poolProvider.isInstance(memory)) {
                return Optional.empty();
            }
            var createPool = poolProvider.getMethod("createThreadLocalPool");
            Constructor<?> constructor = workerThread.getConstructor(attributeBuilder, String.class, threadLocalPool, Runnable.class);
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = runnable -> {
                try {
                    Thread thread = (Thread) constructor.newInstance(attributes, name + "-" + count.incrementAndGet(),
                            createPool.invoke(memory), runnable);
                    thread.setDaemon(true);
                    thread.setContextClassLoader(contextLoader);
                    return thread;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot create a Grizzly worker thread", e);
                }
            };
            factory.newThread(() -> { }); // fail here, not in the pool, if it does not work
            return Optional.of(factory);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.INFO, "Grizzly worker threads unavailable, writers use plain threads: " + e);
            return Optional.empty();
        }
    }
}
