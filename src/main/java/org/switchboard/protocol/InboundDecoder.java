package org.switchboard.protocol;

import jakarta.json.JsonException;
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
 * <p>
 * The frame is read as a stream of parser events, which checks all of it, and {@code data} is kept
 * as the publisher's own text: building the frame's object tree and writing {@code data} out again
 * was most of a publication's decoding cost. Text with a line break between its tokens is written
 * out compactly instead, because the hub separates batched envelopes with newlines.
 */
public class InboundDecoder implements Decoder.Text<Inbound> {

    /**
     * Looked up once: every static {@code jakarta.json.Json} call looks the provider up again,
     * which on Payara is a class-path scan (docs/benchmarks-history.md, run 1).
     */
    private static final JsonProvider JSON = JsonProvider.provider();
    /** Deepest nesting the JSON parser reads (Parsson's default limit); deeper frames are {@code malformed_json}. */
    public static final int MAX_DEPTH = 1000;
    /** Longest idempotency key a publication may carry. */
    public static final int MAX_KEY_LENGTH = 128;
    static final String MAX_MESSAGE_BYTES_KEY = "switchboard.limits.max-message-bytes";
    static final int DEFAULT_MAX_MESSAGE_BYTES = 65536;
    private int maxMessageBytes;
    private static final java.util.Set<String> POSITION_FIELDS = java.util.Set.of("since", "after", "before");

    @Override
    public Inbound decode(String text) {
        if (longerThan(text, maxMessageBytes)) {
            return new Inbound.TooLarge();
        }
        String id = null;
        String typeName = null;
        String channel = null;
        String data = null;
        String key = null;
        Position since = null;
        Position after = null;
        Position before = null;
        int limit = 0;
        String token = null;
        String invalid = null;
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "a frame must be one JSON object");
            }
            JsonParser.Event event;
            while ((event = parser.next()) == JsonParser.Event.KEY_NAME) {
                String name = parser.getString();
                int valueFrom = (int) parser.getLocation().getStreamOffset();
                JsonParser.Event value = parser.next();
                if (value == JsonParser.Event.START_OBJECT && POSITION_FIELDS.contains(name)) {
                    Position position = position(parser);
                    if (position == null) {
                        invalid = "field '" + name + "' must be {\"epoch\": n, \"seq\": n} with integers >= 0";
                    }
                    switch (name) {
                        case "since" -> since = position;
                        case "after" -> after = position;
                        default -> before = position;
                    }
                    continue;
                }
                skipNested(parser, value);
                switch (name) {
                    case "id" -> id = stringOrNull(parser, value);
                    case "type" -> typeName = stringOrNull(parser, value);
                    case "channel" -> channel = stringOrNull(parser, value);
                    case "data" -> data = rawValue(text, valueFrom, (int) parser.getLocation().getStreamOffset());
                    case "key" -> {
                        key = stringOrNull(parser, value);
                        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                            invalid = "field 'key' must be a string of 1 to " + MAX_KEY_LENGTH + " characters";
                        }
                    }
                    case "limit" -> {
                        limit = value == JsonParser.Event.VALUE_NUMBER && parser.isIntegralNumber()
                                && parser.getBigDecimal().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                                ? (int) Math.max(-1, Math.min(Integer.MAX_VALUE, parser.getLong())) : -1;
                        if (limit < 1) {
                            invalid = "field 'limit' must be a positive integer";
                        }
                    }
                    case "token" -> {
                        token = stringOrNull(parser, value);
                        if (token == null || token.isEmpty()) {
                            invalid = "field 'token' must be a non-empty string";
                        }
                    }
                    case "since", "after", "before" -> invalid = "field '" + name + "' must be {\"epoch\": n, \"seq\": n}";
                    default -> { }
                }
            }
            if (event != JsonParser.Event.END_OBJECT || parser.hasNext()) {
                return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "a frame must be exactly one JSON object");
            }
        } catch (JsonParsingException | IllegalStateException | java.util.NoSuchElementException e) {
            return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "frame is not valid JSON");
        } catch (JsonException e) {
            return new Inbound.Rejected(null, ErrorCode.MALFORMED_JSON, "frame is not valid JSON");
        } catch (RuntimeException e) {
            // Parsson refuses input nested deeper than its limit (1,000) with a plain RuntimeException
            return new Inbound.Rejected(id != null ? id : topLevelId(text), ErrorCode.MALFORMED_JSON, "frame could not be read: JSON nested deeper than "
                    + MAX_DEPTH + " levels, or not JSON");
        }
        Inbound interpreted = interpret(id, typeName, channel, data);
        if (!(interpreted instanceof Inbound.Request request)) {
            return interpreted;
        }
        if (invalid != null) {
            return new Inbound.Rejected(id, ErrorCode.INVALID_FIELD, invalid);
        }
        ClientRequest plain = request.request();
        return new Inbound.Request(new ClientRequest(plain.type(), id, channel, data, key, since, after, before, limit, token));
    }

    /** A position object, read after its START_OBJECT; null when it is not two integers >= 0 (read to its end anyway). */
    private static Position position(JsonParser parser) {
        long epoch = -1;
        long seq = -1;
        boolean valid = true;
        JsonParser.Event event;
        while ((event = parser.next()) == JsonParser.Event.KEY_NAME) {
            String field = parser.getString();
            JsonParser.Event value = parser.next();
            skipNested(parser, value);
            if (value != JsonParser.Event.VALUE_NUMBER || !parser.isIntegralNumber()) {
                valid = false;
                continue;
            }
            java.math.BigDecimal big = parser.getBigDecimal();
            if (big.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                valid = false;
                continue;
            }
            long number = big.longValue();
            switch (field) {
                case "epoch" -> epoch = number;
                case "seq" -> seq = number;
                default -> { }
            }
        }
        return valid && epoch >= 0 && seq >= 0 ? new Position(epoch, seq) : null;
    }

    static Inbound interpret(String id, String typeName, String channel, String data) {
        if (typeName == null) {
            return new Inbound.Rejected(id, ErrorCode.MISSING_FIELD, "field 'type' (string) is required");
        }
        Optional<RequestType> type = RequestType.fromWire(typeName);
        if (type.isEmpty()) {
            return new Inbound.Rejected(id, ErrorCode.UNKNOWN_TYPE, "unknown type '" + abbreviate(typeName) + "'");
        }
        if (type.get().needsChannel() && channel == null) {
            return new Inbound.Rejected(id, ErrorCode.MISSING_FIELD, "field 'channel' (string) is required for " + typeName);
        }
        if (type.get().needsData() && data == null) {
            return new Inbound.Rejected(id, ErrorCode.MISSING_FIELD, "field 'data' is required for " + typeName);
        }
        return new Inbound.Request(new ClientRequest(type.get(), id, channel, data));
    }

    /** Reads past an object or array value event by event, so the parser still checks its grammar. */
    private static void skipNested(JsonParser parser, JsonParser.Event value) {
        if (value != JsonParser.Event.START_OBJECT && value != JsonParser.Event.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            switch (parser.next()) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                default -> { }
            }
        }
    }

    private static String stringOrNull(JsonParser parser, JsonParser.Event value) {
        return value == JsonParser.Event.VALUE_STRING ? parser.getString() : null;
    }

    /**
     * The value's text between the end of its key and its own end: after the colon and any
     * whitespace. With a line break in it, the value is parsed again and written compactly.
     */
    static String rawValue(String text, int afterKey, int end) {
        int start = afterKey;
        while (start < end && text.charAt(start) != ':') {
            start++;
        }
        start++;
        while (start < end && isJsonWhitespace(text.charAt(start))) {
            start++;
        }
        String raw = text.substring(start, end);
        if (raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0) {
            return raw;
        }
        try (JsonParser parser = JSON.createParser(new StringReader(raw))) {
            parser.next();
            return parser.getValue().toString();
        }
    }

    private static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    @Override
    public boolean willDecode(String s) {
        return true;
    }

    /**
     * A decoder with the deployment's size limit: where the container's input is not inspected
     * (see {@code container.InboundInspection}), Tyrus delivers a single-frame message of any
     * size, so the limit is applied here too.
     */
    public static InboundDecoder configured() {
        InboundDecoder decoder = new InboundDecoder();
        decoder.maxMessageBytes = readMaxMessageBytes();
        return decoder;
    }

    /** Where the class is declared as a decoder: reads the limit as {@link #configured()} does. */
    @Override
    public void init(EndpointConfig config) {
        maxMessageBytes = readMaxMessageBytes();
    }

    private static int readMaxMessageBytes() {
        try {
            return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue(MAX_MESSAGE_BYTES_KEY, Integer.class).orElse(DEFAULT_MAX_MESSAGE_BYTES);
        } catch (RuntimeException e) {
            return DEFAULT_MAX_MESSAGE_BYTES;
        }
    }

    /**
     * The top-level {@code "id"} string of a frame the parser gave up on (nested too deep before
     * the id), found by a flat scan that only tracks strings and bracket depth; null when there is
     * none, or it holds an escape.
     */
    static String topLevelId(String text) {
        int depth = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = stringEnd(text, i);
                if (end < 0) {
                    return null;
                }
                if (depth == 1 && end - i == 3 && text.startsWith("id", i + 1)) {
                    int colon = skipSpace(text, end + 1);
                    if (colon < n && text.charAt(colon) == ':') {
                        int value = skipSpace(text, colon + 1);
                        if (value < n && text.charAt(value) == '"') {
                            int valueEnd = stringEnd(text, value);
                            String id = valueEnd < 0 ? null : text.substring(value + 1, valueEnd);
                            return id == null || id.indexOf('\\') >= 0 ? null : id;
                        }
                    }
                }
                i = end + 1;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            i++;
        }
        return null;
    }

    /** The index of the quote that closes the string opening at {@code start}; -1 when it is not closed. */
    private static int stringEnd(String text, int start) {
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether {@code text} is longer than {@code max} bytes in UTF-8, counting only when it may be. */
    static boolean longerThan(String text, int max) {
        if (max <= 0 || (long) text.length() * 3 <= max) {
            return false;
        }
        if (text.length() > max) {
            return true;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes > max;
    }

    @Override
    public void destroy() {
    }
}
