package org.switchboard.protocol;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;

/**
 * JSON-B encoder for {@link ServerFrame}s. Frames are encoded before they enter a connection's
 * send queue (not through {@code sendObject}), so one encoding can be shared by many recipients
 * and several queued frames can be written in one WebSocket frame.
 */
public class FrameEncoder implements Encoder.Text<ServerFrame> {

    private static final Jsonb JSONB = JsonbBuilder.create();

    public static String toJson(ServerFrame frame) {
        return JSONB.toJson(frame);
    }

    @Override
    public String encode(ServerFrame frame) {
        return toJson(frame);
    }

    @Override
    public void init(EndpointConfig config) {
    }

    @Override
    public void destroy() {
    }
}
