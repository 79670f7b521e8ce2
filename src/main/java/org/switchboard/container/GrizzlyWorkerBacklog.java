package org.switchboard.container;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads the task queue of Grizzly's worker thread pool behind the request: Payara's request facade
 * → its Catalina request → the Grizzly request → its connection → transport → worker pool (a
 * {@code GrizzlyExecutorService} around an {@code AbstractThreadPool}, whose {@code getQueue()} is
 * the queue the pool's {@code execute} fills). The queue is looked up on every call because
 * Payara may reconfigure a listener's pool at run time; each step is a field read or a getter.
 * Any failure after start makes it answer -1 from then on, logged once.
 */
final class GrizzlyWorkerBacklog implements WorkerBacklog {

    private static final Logger LOG = Logger.getLogger(GrizzlyWorkerBacklog.class.getName());

    /** The steps from the servlet request to the pool's queue. */
    record Handles(Class<?> facade, Field facadeRequest, Method grizzlyRequest, Method connection, Method transport,
                   Method workerPool, Class<?> executorService, Field executorPool, Method queue) {

        static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> facade = Class.forName("org.apache.catalina.connector.RequestFacade", false, loader);
            Class<?> catalina = Class.forName("org.apache.catalina.connector.Request", false, loader);
            Class<?> grizzly = Class.forName("org.glassfish.grizzly.http.server.Request", false, loader);
            Class<?> connection = Class.forName("org.glassfish.grizzly.Connection", false, loader);
            Class<?> transport = Class.forName("org.glassfish.grizzly.Transport", false, loader);
            Class<?> executor = Class.forName("org.glassfish.grizzly.threadpool.GrizzlyExecutorService", false, loader);
            Class<?> pool = Class.forName("org.glassfish.grizzly.threadpool.AbstractThreadPool", false, loader);
            Field facadeRequest = facade.getDeclaredField("request");
            facadeRequest.setAccessible(true);
            Field executorPool = executor.getDeclaredField("pool");
            executorPool.setAccessible(true);
            return new Handles(facade, facadeRequest, catalina.getMethod("getCoyoteRequest"), grizzly.getMethod("getConnection"),
                    connection.getMethod("getTransport"), transport.getMethod("getWorkerThreadPool"),
                    executor, executorPool, pool.getMethod("getQueue"));
        }

        int waiting(Object request, int atMost) throws ReflectiveOperationException {
            if (!facade.isInstance(request)) {
                return -1;
            }
            Object catalina = facadeRequest.get(request);
            Object grizzly = catalina == null ? null : grizzlyRequest.invoke(catalina);
            Object conn = grizzly == null ? null : connection.invoke(grizzly);
            Object tr = conn == null ? null : transport.invoke(conn);
            Object pool = tr == null ? null : workerPool.invoke(tr);
            if (executorService.isInstance(pool)) {
                pool = executorPool.get(pool);
            }
            if (pool == null || !queue.getDeclaringClass().isInstance(pool)) {
                return -1;
            }
            Queue<?> tasks = (Queue<?>) queue.invoke(pool);
            return tasks == null ? -1 : countUpTo(tasks, atMost);
        }
    }

    /**
     * A concurrent queue (an unbounded pool's {@code LinkedTransferQueue}) is walked to at most
     * {@code atMost} tasks; any other (a bounded pool's {@code LinkedList}, guarded by the pool's
     * lock) keeps its size in a field, which is read as is.
     */
    static int countUpTo(Queue<?> tasks, int atMost) {
        if (!tasks.getClass().getName().startsWith("java.util.concurrent.")) {
            return Math.min(tasks.size(), atMost);
        }
        int n = 0;
        for (Iterator<?> it = tasks.iterator(); n < atMost && it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    private final Handles handles;
    private final AtomicBoolean failed = new AtomicBoolean();

    GrizzlyWorkerBacklog(Handles handles) {
        this.handles = handles;
    }

    @Override
    public int waiting(Object request, int atMost) {
        if (failed.get()) {
            return -1;
        }
        try {
            return handles.waiting(request, atMost);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (failed.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "Switchboard cannot read Grizzly's worker queue any more; handshakes are now "
                        + "admitted by the connection cap only", e);
            }
            return -1;
        }
    }
}
