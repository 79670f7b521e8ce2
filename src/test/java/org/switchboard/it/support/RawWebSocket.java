package org.switchboard.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that does only what a test tells it: it can stop reading
 * altogether (a stalled client) or read without ever answering pings (a dead peer). Standard
 * clients answer pings and keep reading by themselves, so they cannot play these parts.
 */
public final class RawWebSocket implements AutoCloseable {

    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        /** A close frame's reason. */
        public String reason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    public static final int TEXT = 1;
    public static final int CLOSE = 8;
    public static final int PING = 9;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A v1 upgrade request for {@code pathAndQuery} (sent as is) with the given extra headers. */
    static String handshake(String host, int port, String pathAndQuery, String key, java.util.Map<String, String> headers) {
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Protocol: switchboard.v1\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("\r\n").toString();
    }

    /**
     * Connects and completes the v1 handshake as a back-end client with a {@link TestTokens} token;
     * {@code receiveBuffer} small makes stalls bite early.
     */
    public static RawWebSocket connect(URI uri, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        socket.setSoTimeout(30_000);
        String key = Base64.getEncoder().encodeToString(randomBytes(16));
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String request = handshake(uri.getHost(), uri.getPort(), path, key, java.util.Map.of("Authorization",
                "Bearer " + TestTokens.token("raw-" + key.substring(0, 8).replace('/', '_').replace('+', '-'))));
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
        return new RawWebSocket(socket);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during handshake: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    public Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** The next frame that is not a ping or pong: the hub's heartbeat may ping at any time, even before {@code welcome}. */
    public Frame readDataFrame() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() != PING && frame.opcode() != 0xA) {
                return frame;
            }
        }
    }

    /** Reads frames, ignoring pings, until a close frame; returns its code. */
    public int readUntilClose() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == CLOSE) {
                return frame.closeCode();
            }
        }
    }

    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | TEXT);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = randomBytes(4);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads frames, ignoring all others, until a close frame (its code) or the end of the stream (null). */
    public Integer readCloseOrEnd() throws IOException {
        try {
            return readUntilClose();
        } catch (java.io.EOFException | java.net.SocketException ended) {
            return null;
        }
    }

    /** Writes bytes as they are: frames built with {@link #frame}, or anything else. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * A client frame with first byte {@code b0} (FIN, RSV and opcode), masked or not, declaring
     * {@code declared} payload bytes (the 64-bit form when it does not fit 16 bits, or is negative)
     * followed by {@code payload}, which may be shorter than declared.
     */
    public static byte[] frame(int b0, byte[] payload, boolean masked, long declared) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(b0);
        int maskBit = masked ? 0x80 : 0;
        if (declared >= 0 && declared < 126) {
            frame.write(maskBit | (int) declared);
        } else if (declared >= 0 && declared < 65536) {
            frame.write(maskBit | 126);
            frame.write((int) (declared >>> 8));
            frame.write((int) (declared & 0xff));
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (declared >>> shift) & 0xff);
            }
        }
        byte[] mask = masked ? randomBytes(4) : new byte[4];
        if (masked) {
            frame.write(mask, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** A complete, masked frame of {@code opcode} carrying {@code payload}. */
    public static byte[] frame(int opcode, byte[] payload) {
        return frame(0x80 | opcode, payload, true, payload.length);
    }

    public void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
