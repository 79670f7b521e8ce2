package org.switchboard.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The envelope of every server-to-client frame. Optional fields are {@code null} and left out
 * of the JSON. Only {@link OutboundCodec} builds them.
 */
@JsonbPropertyOrder({"type", "id", "channel", "epoch", "seq", "ts", "from", "data"})
public record ServerFrame(String type, String id, String channel, Long epoch, Long seq, Long ts, Member from, Object data) {

    public static ServerFrame of(String type, String id, String channel, Object data) {
        return new ServerFrame(type, id, channel, null, null, null, null, data);
    }
}
