package org.switchboard.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.switchboard.container.FrameWrite;
import org.switchboard.container.FrameWriters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link FrameSink} over a JSR-356 session: frames go to the socket the way the container
 * adaptations chose ({@link FrameWriters}); pings through the session; closes run on the hub's
 * executor.
 */
public final class SessionSink implements FrameSink {

    private static final Logger LOG = Logger.getLogger(SessionSink.class.getName());

    /** How often an in-order close looks again whether the container would write the close frame through. */
    private static final long CLOSE_RETRY_MS = 20;

    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[]{'s', 'b'}).asReadOnlyBuffer();

    private final Session session;
    private final ScheduledExecutorService closer;
    private final FrameWrite writer;

    public SessionSink(Session session, ScheduledExecutorService closer, FrameWriters writers) {
        this.session = session;
        this.closer = closer;
        this.writer = writers.forSession(session);
    }

    @Override
    public void sendAsync(byte[] frame, Completion done) {
        try {
            writer.write(frame, done);
        } catch (RuntimeException e) {
            done.written(e);
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
    public void closeInOrder(CloseReason reason) {
        if (!session.isOpen() || writer.writesThrough()) {
            close(reason);
            return;
        }
        try {
            closer.schedule(() -> closeInOrder(reason), CLOSE_RETRY_MS, TimeUnit.MILLISECONDS);
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
