package org.switchboard.container;

/**
 * How many tasks wait for the HTTP worker threads of the listener a request came in on. Every read
 * of every connection, established WebSocket or new handshake alike, waits in that one queue, so
 * its length is how long the member takes to answer anything: the measure the handshake admission
 * sheds new connections by, to keep the established ones served. {@link #UNKNOWN} reads nothing,
 * and the hub then admits by its connection cap only.
 */
public interface WorkerBacklog {

    WorkerBacklog UNKNOWN = (request, atMost) -> -1;

    /**
     * @param request the servlet request being served (unwrapped as far as needed)
     * @param atMost  counting stops here: a concurrent queue's size is a walk over all its tasks,
     *                which on a long queue would cost more than the handshake it is meant to spare
     * @return tasks waiting for a worker thread of its listener, at most {@code atMost}; -1 when not known
     */
    int waiting(Object request, int atMost);
}
