package org.switchboard.connection;

import jakarta.websocket.CloseReason;

/**
 * The socket side of a connection as the send queue sees it. The WebSocket session implements it
 * in production; unit tests drive the queue policy with their own sink.
 */
public interface FrameSink {

    /** Writes one text frame without blocking; {@code done} runs with null on success. */
    void sendAsync(String text, java.util.function.Consumer<Throwable> done);

    /** Sends a WebSocket ping without blocking; the pong proves the peer is alive. */
    void ping();

    /** Starts closing the connection with the given reason. */
    void close(CloseReason reason);

    /** Closes on the calling thread; used at shutdown when the hub's executors are stopping. */
    void closeNow(CloseReason reason);
}
