package org.switchboard.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * A channel message as the hub delivered it: its position, its data and who sent it
 * ({@code from.connection} is {@code "rest"}, {@code "jms"} or {@code "system"} for server-originated
 * messages; protocol.md). {@code envelope} is the whole frame, for fields this record does not name.
 */
public record Message(String channel, long epoch, long seq, JsonValue data, JsonObject from, JsonObject envelope) {

    static Message of(JsonObject envelope) {
        return new Message(envelope.getString("channel"), envelope.getJsonNumber("epoch").longValue(),
                envelope.getJsonNumber("seq").longValue(), envelope.get("data"),
                envelope.containsKey("from") && envelope.get("from").getValueType() == JsonValue.ValueType.OBJECT
                        ? envelope.getJsonObject("from") : JsonValue.EMPTY_JSON_OBJECT, envelope);
    }

    public Position position() {
        return new Position(epoch, seq);
    }
}
