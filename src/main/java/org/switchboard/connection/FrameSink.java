package org.switchboard.connection;

import org.switchboard.container.FrameWrite;
import org.switchboard.protocol.TextFrames;

import jakarta.websocket.CloseReason;

/**
 * The socket side of a connection as the send queue sees it. The WebSocket session implements it
 * in production; unit tests drive the queue policy with their own sink.
 */
public interface FrameSink {

    /** Told when a write has been handed to the socket, or why it failed. */
    @FunctionalInterface
    interface Completion extends FrameWrite.Done {
    }

    /**
     * Writes one complete, unmasked text frame ({@link TextFrames}) without blocking; {@code done}
     * runs once the frame is handed to the socket, possibly on the calling thread.
     */
    void sendAsync(byte[] frame, Completion done);

    /** Sends a WebSocket ping without blocking; the pong proves the peer is alive. */
    void ping();

    /** Starts closing the connection with the given reason. */
    void close(CloseReason reason);

    /**
     * Closes once the container would put the close frame straight on the socket, behind the
     * frames already handed to it. Tyrus closes the socket as soon as it has passed its close
     * frame on, and drops what it still queues itself: a client that is slow but reading would
     * see the connection end without its close code. The caller bounds the wait ({@link
     * Connection#closeAfterDrain}).
     */
    default void closeInOrder(CloseReason reason) {
        close(reason);
    }

    /** Closes on the calling thread; used at shutdown when the hub's executors are stopping. */
    void closeNow(CloseReason reason);
}
