package org.switchboard.protocol;

import java.nio.charset.StandardCharsets;

/** Unmasked server control frames the hub writes itself (RFC 6455 §5.5). */
public final class ControlFrames {

    private static final int MAX_REASON_BYTES = 123;

    private ControlFrames() {
    }

    /** A close frame with {@code code} and as much of {@code reason} as fits in 123 bytes of UTF-8. */
    public static byte[] close(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_REASON_BYTES);
        while (length > 0 && length < text.length && (text[length] & 0xC0) == 0x80) {
            length--; // do not cut a character in two
        }
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) 0x88;
        frame[1] = (byte) (2 + length);
        frame[2] = (byte) (code >> 8);
        frame[3] = (byte) code;
        System.arraycopy(text, 0, frame, 4, length);
        return frame;
    }
}
