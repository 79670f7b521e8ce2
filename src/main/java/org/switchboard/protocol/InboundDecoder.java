package org.switchboard.protocol;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;

import java.io.StringReader;
import java.util.Optional;

/**
 * Turns a client text frame into an {@link Inbound}. It never throws: malformed or incomplete
 * frames become {@link Inbound.Rejected} so the endpoint can answer with the documented error
 * (echoing the request id when it could be read) and keep the connection.
 */
public class InboundDecoder implements Decoder.Text<Inbound> {

    /**
     * Looked up once: every static {@code jakarta.json.Json} call looks the provider up again,
     * which on Payara is a class-path scan (over half the server's CPU under load).
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Override
    public Inbound decode(String text) {
        JsonObject object;
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "a frame must be one JSON object");
            }
            object = parser.getObject();
            if (parser.hasNext()) {
                return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "a frame must be exactly one JSON object");
            }
        } catch (JsonParsingException | IllegalStateException | java.util.NoSuchElementException e) {
            return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "frame is not valid JSON");
        } catch (JsonException e) {
            return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "frame is not valid JSON");
        }
        return interpret(object);
    }

    static Inbound interpret(JsonObject object) {
        String id = stringField(object, "id").orElse(null);
        Optional<String> typeName = stringField(object, "type");
        if (typeName.isEmpty()) {
            return new Inbound.Rejected(id, ErrorCode.MISSING_FIELD, "field 'type' (string) is required");
        }
        Optional<RequestType> type = RequestType.fromWire(typeName.get());
        if (type.isEmpty()) {
            return new Inbound.Rejected(id, ErrorCode.UNKNOWN_TYPE, "unknown type '" + abbreviate(typeName.get()) + "'");
        }
        String channel = stringField(object, "channel").orElse(null);
        if (type.get().needsChannel() && channel == null) {
            return new Inbound.Rejected(id, ErrorCode.MISSING_FIELD, "field 'channel' (string) is required for " + typeName.get());
        }
        JsonValue data = object.get("data");
        if (type.get().needsData() && data == null) {
            return new Inbound.Rejected(id, ErrorCode.MISSING_FIELD, "field 'data' is required for " + typeName.get());
        }
        return new Inbound.Request(new ClientRequest(type.get(), id, channel, data));
    }

    private static Optional<String> stringField(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value instanceof JsonString s) {
            return Optional.of(s.getString());
        }
        return Optional.empty();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    @Override
    public boolean willDecode(String s) {
        return true;
    }

    @Override
    public void init(EndpointConfig config) {
    }

    @Override
    public void destroy() {
    }
}
