package org.switchboard.protocol;

/**
 * Builds the hot path's frames by hand: a {@code message} frame is encoded once per message on the
 * fan-out path, and the publisher's {@code data} is already JSON text without line breaks that only
 * needs splicing in; the {@code ok} reply goes to every publisher. The output is the same JSON that
 * {@link FrameEncoder} would produce for the equivalent {@link ServerFrame} when {@code data} is
 * compact (a unit test keeps them in step). No JSON-P call here: each static
 * {@code jakarta.json.Json} call looks its provider up again, and on Payara that lookup is a
 * class-path scan that cost over half the server's CPU under load.
 */
public final class MessageFrames {

    private MessageFrames() {
    }

    public static String message(String channel, long epoch, long seq, long ts, Member from, String dataJson) {
        StringBuilder sb = new StringBuilder(144 + channel.length() + from.connection().length() + from.name().length() + dataJson.length());
        sb.append("{\"type\":\"message\",\"channel\":");
        appendString(sb, channel);
        sb.append(",\"epoch\":").append(epoch);
        sb.append(",\"seq\":").append(seq);
        sb.append(",\"ts\":").append(ts);
        sb.append(",\"from\":{\"connection\":");
        appendString(sb, from.connection());
        sb.append(",\"name\":");
        appendString(sb, from.name());
        sb.append("},\"data\":").append(dataJson).append('}');
        return sb.toString();
    }

    /** The {@code ok} reply: sent once per publication, so it skips JSON-B too. */
    public static String ok(String id) {
        if (id == null) {
            return "{\"type\":\"reply\",\"data\":{\"ok\":true}}";
        }
        StringBuilder sb = new StringBuilder(48 + id.length());
        sb.append("{\"type\":\"reply\",\"id\":");
        appendString(sb, id);
        return sb.append(",\"data\":{\"ok\":true}}").toString();
    }

    /** Quotes and escapes as RFC 8259 requires (and as JSON-P writes it). */
    static void appendString(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
