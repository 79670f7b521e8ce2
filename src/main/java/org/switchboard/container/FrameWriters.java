package org.switchboard.container;

import jakarta.websocket.Session;
import org.switchboard.protocol.TextFrames;

/**
 * How a connection's frames reach its socket. The plain-API way ({@link #SESSION_API}) hands the
 * payload to the session's asynchronous {@code sendText}, which re-encodes and copies it per
 * recipient; {@link TyrusFrameWriter} hands the prepared frame to Tyrus' writer instead.
 */
public interface FrameWriters {

    FrameWriters SESSION_API = SessionTextWrite::new;

    FrameWrite forSession(Session session);

    /** The frame's payload through {@code RemoteEndpoint.Async#sendText}. */
    final class SessionTextWrite implements FrameWrite {
        private final Session session;

        SessionTextWrite(Session session) {
            this.session = session;
        }

        @Override
        public void write(byte[] frame, Done done) {
            session.getAsyncRemote().sendText(TextFrames.payloadText(frame),
                    result -> done.written(result.isOK() ? null : result.getException()));
        }
    }
}
