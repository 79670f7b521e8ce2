package org.switchboard.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@link FrameSink} over a JSR-356 session: asynchronous writes, closes on the hub's executor. */
public final class SessionSink implements FrameSink {

    private static final Logger LOG = Logger.getLogger(SessionSink.class.getName());

    private static final java.nio.ByteBuffer PING = java.nio.ByteBuffer.wrap(new byte[]{'s', 'b'}).asReadOnlyBuffer();

    private final Session session;
    private final Executor closer;

    public SessionSink(Session session, Executor closer) {
        this.session = session;
        this.closer = closer;
    }

    @Override
    public void sendAsync(String text, Consumer<Throwable> done) {
        try {
            session.getAsyncRemote().sendText(text, result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public void ping() {
        try {
            session.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping failed", e);
        }
    }

    @Override
    public void close(CloseReason reason) {
        try {
            closer.execute(() -> closeNow(reason));
        } catch (RuntimeException rejected) {
            closeNow(reason);
        }
    }

    @Override
    public void closeNow(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }
}
