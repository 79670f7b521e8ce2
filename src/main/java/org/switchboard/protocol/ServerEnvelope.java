package org.switchboard.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A server-to-client envelope, as JSON-B writes it. Optional fields are {@code null} and left out
 * of the JSON. Only {@link OutboundCodec} builds them.
 */
@JsonbPropertyOrder({"type", "id", "channel", "epoch", "seq", "ts", "from", "data"})
public record ServerEnvelope(String type, String id, String channel, Long epoch, Long seq, Long ts, Member from, Object data) {

    public static ServerEnvelope of(String type, String id, String channel, Object data) {
        return new ServerEnvelope(type, id, channel, null, null, null, null, data);
    }
}
