package org.switchboard.connection;

import jakarta.websocket.Session;
import org.glassfish.tyrus.spi.Writer;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the Tyrus {@link Writer} under a session — the object that puts framed bytes on the
 * servlet connection — so the hub can hand it frames it has built once for all recipients.
 * Tyrus' own text path re-encodes the string, copies the payload three times and allocates a
 * future and two wrappers per recipient: about 16% of all allocation in the rooms benchmark.
 * <p>
 * Tyrus has no public way to reach it, so this reads three private fields, resolved once. On a
 * Tyrus that does not have them, {@link #of} returns null and the session's own API is used.
 * What the bypass skips: Tyrus' partial-message interlock (the hub never sends partial messages),
 * its connected-state check (the sink checks {@code isOpen}), extensions (none are negotiated:
 * the endpoint offers none) and its monitoring counters (off unless configured).
 */
public final class TyrusFrameWriter {

    private static final Logger LOG = Logger.getLogger(TyrusFrameWriter.class.getName());
    private static final Field WEB_SOCKET;
    private static final Method PROTOCOL_HANDLER;
    private static final Field WRITER;

    static {
        Field webSocket = null;
        Method protocolHandler = null;
        Field writer = null;
        try {
            webSocket = Class.forName("org.glassfish.tyrus.core.TyrusRemoteEndpoint").getDeclaredField("webSocket");
            protocolHandler = Class.forName("org.glassfish.tyrus.core.TyrusWebSocket").getDeclaredMethod("getProtocolHandler");
            writer = Class.forName("org.glassfish.tyrus.core.ProtocolHandler").getDeclaredField("writer");
            webSocket.setAccessible(true);
            protocolHandler.setAccessible(true);
            writer.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.INFO, "Tyrus internals not as expected; sending through the session API", e);
            webSocket = null;
        }
        WEB_SOCKET = webSocket;
        PROTOCOL_HANDLER = protocolHandler;
        WRITER = writer;
    }

    private TyrusFrameWriter() {
    }

    /** The session's frame writer, or null when it cannot be reached. */
    public static Writer of(Session session) {
        if (WEB_SOCKET == null) {
            return null;
        }
        try {
            Object webSocket = WEB_SOCKET.get(session.getAsyncRemote());
            Object handler = PROTOCOL_HANDLER.invoke(webSocket);
            return (Writer) WRITER.get(handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "no Tyrus writer for this session", e);
            return null;
        }
    }
}
