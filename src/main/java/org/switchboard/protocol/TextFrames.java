package org.switchboard.protocol;


import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Builds complete, unmasked WebSocket text frames (RFC 6455 §5.2) from envelopes that are already
 * UTF-8. A server's frames are the same bytes for every recipient, so an envelope is framed once
 * however many queues it goes to, and a write hands the socket that one shared, never-modified
 * array: the container's own text path re-encoded the string and copied the payload three times
 * per recipient. Envelopes that queued up meanwhile are joined into one frame.
 */
public final class TextFrames {

    private static final byte FIN_TEXT = (byte) 0x81;

    private TextFrames() {
    }

    /** One envelope as one frame. */
    public static byte[] of(byte[] payload) {
        byte[] frame = new byte[headerLength(payload.length) + payload.length];
        System.arraycopy(payload, 0, frame, writeHeader(frame, payload.length), payload.length);
        return frame;
    }

    /** One envelope given as text as one frame. */
    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One frame whose payload is the JSON {@code body} writes: counted first, then written into the frame itself. */
    public static byte[] of(Consumer<JsonUtf8> body) {
        int length = JsonUtf8.length(body);
        byte[] frame = new byte[headerLength(length) + length];
        body.accept(JsonUtf8.into(frame, writeHeader(frame, length)));
        return frame;
    }

    /**
     * The payloads of the first {@code count} frames as one frame, separated by newlines;
     * {@code payloadLength} is the sum of their {@link #payloadLength}s plus one per separator.
     */
    public static byte[] joined(byte[][] frames, int count, int payloadLength) {
        byte[] frame = new byte[headerLength(payloadLength) + payloadLength];
        int at = writeHeader(frame, payloadLength);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                frame[at++] = '\n';
            }
            int offset = payloadOffset(frames[i]);
            int length = frames[i].length - offset;
            System.arraycopy(frames[i], offset, frame, at, length);
            at += length;
        }
        return frame;
    }

    /** The payload length of a frame built here. */
    public static int payloadLength(byte[] frame) {
        return frame.length - payloadOffset(frame);
    }

    /** Where the payload of a frame built here starts. */
    public static int payloadOffset(byte[] frame) {
        int code = frame[1] & 0x7F;
        return code < 126 ? 2 : code == 126 ? 4 : 10;
    }

    /** The payload of a frame built here, as text. */
    public static String payloadText(byte[] frame) {
        int offset = payloadOffset(frame);
        return new String(frame, offset, frame.length - offset, StandardCharsets.UTF_8);
    }

    static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    private static int writeHeader(byte[] frame, int length) {
        frame[0] = FIN_TEXT;
        if (length < 126) {
            frame[1] = (byte) length;
            return 2;
        }
        if (length <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
            return 4;
        }
        frame[1] = 127;
        long value = length;
        for (int i = 9; i >= 2; i--) {
            frame[i] = (byte) value;
            value >>>= 8;
        }
        return 10;
    }
}
