package org.switchboard.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link FrameSink} over a JSR-356 session: frames go straight to the Tyrus writer underneath
 * ({@link TyrusFrameWriter}), or through the session's asynchronous API where that cannot be
 * reached; closes run on the hub's executor.
 */
public final class SessionSink implements FrameSink {

    private static final Logger LOG = Logger.getLogger(SessionSink.class.getName());

    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[]{'s', 'b'}).asReadOnlyBuffer();

    private final Session session;
    private final Executor closer;
    private final Writer writer;

    public SessionSink(Session session, Executor closer) {
        this.session = session;
        this.closer = closer;
        this.writer = TyrusFrameWriter.of(session);
    }

    @Override
    public void sendAsync(byte[] frame, Completion done) {
        try {
            if (writer == null) {
                session.getAsyncRemote().sendText(TextFrames.payloadText(frame),
                        result -> done.written(result.isOK() ? null : result.getException()));
            } else if (!session.isOpen()) {
                done.written(new ClosedChannelException());
            } else {
                writer.write(ByteBuffer.wrap(frame), new Written(done));
            }
        } catch (RuntimeException e) {
            done.written(e);
        }
    }

    private static final class Written extends CompletionHandler<ByteBuffer> {
        private final Completion done;

        Written(Completion done) {
            this.done = done;
        }

        @Override
        public void completed(ByteBuffer result) {
            done.written(null);
        }

        @Override
        public void failed(Throwable throwable) {
            done.written(throwable);
        }

        @Override
        public void cancelled() {
            done.written(new java.util.concurrent.CancellationException());
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
