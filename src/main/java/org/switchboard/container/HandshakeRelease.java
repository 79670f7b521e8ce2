package org.switchboard.container;

import jakarta.websocket.Session;

/**
 * Lets go of the upgrade request a connection no longer needs once it is open. The plain-API
 * behaviour ({@link #NONE}) keeps it for the life of the connection, which only costs memory.
 */
public interface HandshakeRelease {

    HandshakeRelease NONE = session -> { };

    /** Call from {@code onOpen}: the container has finished with the handshake by then. */
    void release(Session session);
}
