package org.switchboard.container;

import jakarta.websocket.Session;
import org.switchboard.protocol.InboundFrames;

import java.util.function.Consumer;

/**
 * Puts a connection's inbound bytes through {@link InboundFrames} before the WebSocket
 * implementation parses them, so a frame is judged by its header (RFC 6455 violations, declared
 * size) instead of after its payload has been buffered — or never. The plain-API behaviour
 * ({@link #NONE}) leaves framing to the container alone: oversize messages are still closed with
 * 1009 after decoding, but unmasked frames are accepted and a stalled frame is only caught by the
 * heartbeat timeout.
 */
public interface InboundInspection {

    InboundInspection NONE = (session, frames, onViolation) -> false;

    /**
     * Call from {@code onOpen}. From now on the session's input passes through {@code frames};
     * {@code onViolation} is called once, on the container's reader thread, after the frames
     * before the offending one have been handled; nothing from the offending frame on reaches
     * the container. Returns whether inspection is on.
     */
    boolean install(Session session, InboundFrames frames, Consumer<InboundFrames.Violation> onViolation);
}
