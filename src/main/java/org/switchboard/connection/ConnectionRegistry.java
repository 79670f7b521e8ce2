package org.switchboard.connection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.switchboard.protocol.CloseCodes;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Every connection held by this member. On undeploy or server stop each client is told 1001
 * (going away, see {@code HubLifecycle}) so it reconnects elsewhere instead of seeing a dropped
 * socket. Keyed by the WebSocket session, which makes this map the one place the endpoint finds
 * a session's connection (nothing is stored in the session's own properties).
 */
@ApplicationScoped
public class ConnectionRegistry {

    private static final Logger LOG = Logger.getLogger(ConnectionRegistry.class.getName());

    private final Map<Session, Connection> connections = new ConcurrentHashMap<>();
    private final CloseReason goingAway = CloseCodes.goingAway();

    public void add(Session session, Connection connection) {
        connections.put(session, connection);
    }

    public Connection get(Session session) {
        return connections.get(session);
    }

    public Connection remove(Session session) {
        Connection removed = connections.remove(session);
        if (removed != null && connections.isEmpty()) {
            synchronized (this) {
                notifyAll();
            }
        }
        return removed;
    }

    /** Waits until every connection has been removed (closed), at most {@code timeoutMs}; true if none is left. */
    public synchronized boolean awaitEmpty(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!connections.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    public Collection<Connection> all() {
        return connections.values();
    }

    public int count() {
        return connections.size();
    }

    /** Closes every connection with 1001 on the calling thread; called once at shutdown. */
    public void goingAway() {
        LOG.info("Switchboard stopping: closing " + connections.size() + " connections with 1001");
        for (Connection connection : connections.values()) {
            connection.closeNow(goingAway);
        }
    }
}
