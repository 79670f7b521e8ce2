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
    public static final int PONG = 10;

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
        String key = Base64.getEncoder().encodeToString(randomBytes(16));
        Unsent unsent = Unsent.connect(uri, "raw-" + key.substring(0, 8).replace('/', '_').replace('+', '-'), receiveBuffer);
        unsent.send();
        return unsent.answer();
    }

    /**
     * A socket connected to the hub whose v1 upgrade request is not sent yet. A test that sends many
     * of these one after the other makes a crowd of clients arrive within milliseconds, which
     * standard clients, connecting one by one, do not.
     */
    public static final class Unsent {
        private final Socket socket;
        private final byte[] request;

        private Unsent(Socket socket, byte[] request) {
            this.socket = socket;
            this.request = request;
        }

        /** Connects, and prepares the upgrade request with a {@link TestTokens} token for {@code subject}. */
        public static Unsent connect(URI uri, String subject, int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            String key = Base64.getEncoder().encodeToString(randomBytes(16));
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String request = handshake(uri.getHost(), uri.getPort(), path, key,
                    java.util.Map.of("Authorization", "Bearer " + TestTokens.token(subject)));
            return new Unsent(socket, request.getBytes(StandardCharsets.US_ASCII));
        }

        public void send() throws IOException {
            socket.getOutputStream().write(request);
        }

        /** Waits for the hub's answer: the upgraded connection, or {@link Refused} with the status, headers and body. */
        public RawWebSocket answer() throws IOException {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                try {
                    throw new Refused(head, readBody(head, in));
                } finally {
                    socket.close();
                }
            }
            return new RawWebSocket(socket);
        }
    }

    /** The hub answered an upgrade request with something other than 101. */
    public static final class Refused extends IOException {
        private final String head;
        private final String body;

        Refused(String head, String body) {
            super("handshake refused: " + head.lines().findFirst().orElse("") + " " + body.strip());
            this.head = head;
            this.body = body;
        }

        public int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        public java.util.Optional<String> header(String name) {
            return headerOf(head, name);
        }

        public String body() {
            return body;
        }
    }

    /** The body after {@code head}: {@code Content-Length} bytes, or the first chunk of a chunked one. */
    private static String readBody(String head, InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = headerOf(head, "Content-Length").map(Integer::parseInt).orElse(-1);
        if (length < 0 && headerOf(head, "Transfer-Encoding").filter("chunked"::equalsIgnoreCase).isPresent()) {
            String size = readLine(in);
            length = Integer.parseInt(size.strip().split(";")[0], 16);
        }
        byte[] body = new byte[Math.max(length, 0)];
        data.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }

    private static java.util.Optional<String> headerOf(String head, String name) {
        return head.lines().filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).strip()).findFirst();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
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
        return nextDataFrame(false);
    }

    /** The next frame that is not a ping or pong, answering pings as a standard client does. */
    public Frame readDataFrameAnsweringPings() throws IOException {
        return nextDataFrame(true);
    }

    private Frame nextDataFrame(boolean answerPings) throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() != PING && frame.opcode() != PONG) {
                return frame;
            }
            if (answerPings && frame.opcode() == PING) {
                sendRaw(frame(PONG, frame.payload()));
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
