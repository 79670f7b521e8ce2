package org.switchboard.protocol;

import jakarta.json.Json;

/**
 * Builds {@code message} frames by hand: they are encoded once per message on the fan-out path,
 * and the publisher's {@code data} is already compact JSON that only needs splicing in. The
 * output is the same JSON that {@link FrameEncoder} would produce for the equivalent
 * {@link ServerFrame} (a unit test keeps them in step).
 */
public final class MessageFrames {

    private MessageFrames() {
    }

    public static String message(String channel, long epoch, long seq, long ts, Member from, String dataJson) {
        StringBuilder sb = new StringBuilder(96 + channel.length() + dataJson.length());
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

    private static void appendString(StringBuilder sb, String value) {
        sb.append(Json.createValue(value).toString());
    }
}
