package org.switchboard.protocol;

/**
 * Reads the RFC 6455 frame headers of one connection's inbound bytes as they arrive, before the
 * WebSocket implementation buffers a payload, and decides from the header alone what the
 * implementation would accept too late or not at all: an unmasked client frame, a 64-bit length
 * with its top bit set, a reserved opcode or RSV bit, a bad control frame, a continuation out of
 * place (all 1002), and a data message whose declared length passes the limit (1009) — so a
 * 2^62-byte header is refused at once instead of being waited for. It also knows whether input
 * stopped in the middle of a frame or a fragmented message, for the stalled-input timeout.
 * <p>
 * One instance per connection, fed by the container's single reader of that connection; only
 * {@link #incompleteSinceNanos()} is read by other threads.
 */
public final class InboundFrames {

    /** Why the connection must be failed, and with which close code. */
    public record Violation(int closeCode, String reason) {
        static Violation protocol(String reason) {
            return new Violation(1002, reason);
        }
    }

    private static final int OP_CONTINUATION = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2,
            OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xA;

    private final long maxMessageBytes;
    private final byte[] header = new byte[14];
    private int headerHave;
    private long payloadLeft;
    private boolean messageOpen;
    private long messageBytes;
    private Violation violation;
    private volatile long incompleteSince;

    /** @param maxMessageBytes the largest data message, all its fragments together; below 1 means no limit */
    public InboundFrames(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes < 1 ? Long.MAX_VALUE : maxMessageBytes;
    }

    /**
     * Inspects {@code length} bytes from {@code offset} and returns how many of them may be passed on:
     * all of them, or — after a violation — those before the offending frame's header. Once a
     * violation is found every later call returns 0.
     */
    public int inspect(byte[] bytes, int offset, int length, long nowNanos) {
        if (violation != null) {
            return 0;
        }
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (payloadLeft > 0) {
                long take = Math.min(payloadLeft, end - i);
                payloadLeft -= take;
                i += (int) take;
                continue;
            }
            int frameStart = i - headerHave;
            while (i < end && headerHave < headerLength()) {
                header[headerHave++] = bytes[i++];
            }
            if (headerHave < headerLength()) {
                break;
            }
            violation = frameComplete();
            if (violation != null) {
                return Math.max(0, frameStart - offset);
            }
        }
        boolean incomplete = headerHave > 0 || payloadLeft > 0 || messageOpen;
        if (!incomplete) {
            incompleteSince = 0;
        } else if (incompleteSince == 0) {
            incompleteSince = nowNanos == 0 ? 1 : nowNanos;
        }
        return length;
    }

    /** The violation found, or null. */
    public Violation violation() {
        return violation;
    }

    /**
     * Since when input has stopped inside a frame or a fragmented message ({@link System#nanoTime}),
     * or 0 when the last byte read ended a message.
     */
    public long incompleteSinceNanos() {
        return incompleteSince;
    }

    private int headerLength() {
        if (headerHave < 2) {
            return 2;
        }
        int len7 = header[1] & 0x7F;
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        boolean masked = (header[1] & 0x80) != 0;
        return 2 + extended + (masked ? 4 : 0);
    }

    /** Checks a complete header and sets up its payload; null when the frame is acceptable. */
    private Violation frameComplete() {
        int b0 = header[0] & 0xFF;
        int b1 = header[1] & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        long length = declaredLength(b1 & 0x7F);
        headerHave = 0;
        if ((b1 & 0x80) == 0) {
            return Violation.protocol("unmasked client frame");
        }
        if (length < 0) {
            return Violation.protocol("frame length with the most significant bit set");
        }
        if ((b0 & 0x70) != 0) {
            return Violation.protocol("reserved bits set without an extension");
        }
        switch (opcode) {
            case OP_CLOSE, OP_PING, OP_PONG -> {
                if (!fin) {
                    return Violation.protocol("fragmented control frame");
                }
                if (length > 125) {
                    return Violation.protocol("control frame longer than 125 bytes");
                }
            }
            case OP_TEXT, OP_BINARY -> {
                if (messageOpen) {
                    return Violation.protocol("new data frame inside a fragmented message");
                }
                messageBytes = 0;
                messageOpen = !fin;
                Violation tooBig = count(length);
                if (tooBig != null) {
                    return tooBig;
                }
            }
            case OP_CONTINUATION -> {
                if (!messageOpen) {
                    return Violation.protocol("continuation frame without a message");
                }
                messageOpen = !fin;
                Violation tooBig = count(length);
                if (tooBig != null) {
                    return tooBig;
                }
            }
            default -> {
                return Violation.protocol("reserved opcode " + opcode);
            }
        }
        payloadLeft = length;
        return null;
    }

    private Violation count(long length) {
        messageBytes += length;
        if (messageBytes > maxMessageBytes || messageBytes < 0) {
            return new Violation(1009, "message larger than " + maxMessageBytes + " bytes");
        }
        return null;
    }

    /** The payload length the header declares; negative when a 64-bit length has its top bit set. */
    private long declaredLength(int len7) {
        if (len7 < 126) {
            return len7;
        }
        if (len7 == 126) {
            return ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
        }
        long length = 0;
        for (int k = 2; k < 10; k++) {
            length = (length << 8) | (header[k] & 0xFFL);
        }
        return length;
    }
}
