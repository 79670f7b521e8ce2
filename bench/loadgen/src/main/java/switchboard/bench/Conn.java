package switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/** One WebSocket client connection (RFC 6455, text frames, client frames masked). Loop thread only. */
final class Conn {
    /** a measured delivery slower than this is placed in the slow-delivery timeline (publish phases) */
    static final long SLOW_DELIVERY_US = 50_000;
    /** seconds of a measured window the slow-delivery timeline has slots for */
    static final int SLOW_SECONDS = 600;
    private static final int CONNECTING = 0, HANDSHAKE = 1, OPEN = 2, CLOSED = 3;
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    final Loop loop;
    final Run run;
    final Proto proto;
    final int index;
    final String room;
    final boolean publisher;
    final InetSocketAddress remote;
    final InetSocketAddress local;
    String path;
    /** the Origin header of the handshake: the origin of the URL connected to (the hub's own, as a page of it sends) */
    String origin;
    private SocketChannel ch;
    private SelectionKey key;
    private int state = CONNECTING;
    private byte[] pend = new byte[0];
    private int pendLen;
    private byte[] frag;
    private int fragLen;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
    long startNs;
    /** when the protocol became ready (0: not yet), for the connections scenario's timeline of slow connects */
    long readyNs;
    boolean ready;
    long nextSend;
    long periodNs;
    /** publications this publisher may still send (-1: no limit) */
    long budget = -1;
    /** publish with an id ("<send nanoTime>_<seq>") and count the ok replies (Switchboard only) */
    boolean ackIds;
    /** the position of the last ok reply to this connection's publications (resume's publishers: one channel each) */
    long ackEpoch;
    long ackSeq;
    /** resume: this client's channel and the checks on its messages (null in the other scenarios) */
    Track track;
    /** storm: the client this connection is one attempt of (null in the other scenarios) */
    Storm.Client storm;
    /** storm preparation: the position of the ok reply to the publication with id "<t>_<k>", by k (null elsewhere) */
    long[] posEpoch;
    long[] posSeq;

    Conn(Loop loop, Run run, Proto proto, int index, String room, boolean publisher,
         InetSocketAddress remote, InetSocketAddress local) {
        this.loop = loop;
        this.run = run;
        this.proto = proto;
        this.index = index;
        this.room = room;
        this.publisher = publisher;
        this.remote = remote;
        this.local = local;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    void open() {
        startNs = System.nanoTime();
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (local != null) {
                ch.bind(local);
            }
            if (ch.connect(remote)) {
                key = ch.register(loop.selector, 0, this);
                sendHandshake();
            } else {
                key = ch.register(loop.selector, SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** A new attempt of a connection whose handshake was refused (setup retries). */
    private void reopen() {
        if (run.publishing) {
            run.failed.increment();   // setup is over: this one stays refused
            return;
        }
        state = CONNECTING;
        pendLen = 0;
        frag = null;
        out.clear();
        key = null;
        ch = null;
        open();
    }

    void onConnectable() throws IOException {
        if (ch.finishConnect()) {
            key.interestOps(0);
            sendHandshake();
        }
    }

    private void sendHandshake() throws IOException {
        state = HANDSHAKE;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String req = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + remote.getHostString() + ":" + remote.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (origin != null ? "Origin: " + origin + "\r\n" : "")
                + proto.extraHeaders()
                + "\r\n";
        key.interestOps(SelectionKey.OP_READ);
        write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
    }

    void onReadable() throws IOException {
        ByteBuffer buf = loop.readBuf;
        for (int round = 0; round < 16; round++) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                if (state != CLOSED) {
                    run.closedByServer.increment();
                    run.sample("eof", "server closed the TCP connection (state " + state + ")");
                    if (storm != null) {
                        storm.onEnd(this, state == OPEN ? "closed (TCP)" : "no answer to the handshake (TCP closed)");
                    }
                }
                close();
                return;
            }
            if (n == 0) {
                return;
            }
            byte[] b;
            int end;
            if (pendLen > 0) {
                if (pend.length < pendLen + n) {
                    pend = Arrays.copyOf(pend, Math.max(pendLen + n, pend.length * 2));
                }
                System.arraycopy(buf.array(), 0, pend, pendLen, n);
                b = pend;
                end = pendLen + n;
            } else {
                b = buf.array();
                end = n;
            }
            int used = consume(b, 0, end);
            int left = end - used;
            if (left > 0) {
                if (b == pend) {
                    System.arraycopy(pend, used, pend, 0, left);
                } else {
                    if (pend.length < left) {
                        pend = new byte[Math.max(left, 256)];
                    }
                    System.arraycopy(b, used, pend, 0, left);
                }
            } else if (pend.length > 65536) {
                pend = new byte[0];
            }
            pendLen = left;
            if (state == CLOSED || n < buf.capacity()) {
                return;
            }
        }
    }

    /** Consumes whole units (handshake response, frames); returns bytes used. */
    private int consume(byte[] b, int off, int end) throws IOException {
        if (state == HANDSHAKE) {
            int h = Bytes.indexOf(b, off, end, CRLFCRLF);
            if (h < 0) {
                return off;
            }
            String status = new String(b, off, Math.min(h - off, 200), StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 101")) {
                run.sample("handshake", status.split("\r\n")[0]);
                if (storm != null) {
                    storm.onRefused(this, new String(b, off, h - off, StandardCharsets.ISO_8859_1));
                } else if (run.retryRefused && !run.publishing && (status.startsWith("HTTP/1.1 503") || status.startsWith("HTTP/1.1 429"))) {
                    // setup: try again later, as a client would (the hub sheds handshakes while it is behind)
                    run.setupRefused.increment();
                    double ra = Storm.parseRetryAfter(new String(b, off, h - off, StandardCharsets.ISO_8859_1));
                    close();
                    loop.at(System.nanoTime() + Storm.backoffNs(ra >= 0 ? ra : 1), this::reopen);
                    return end;
                }
                fail(null);
                return end;
            }
            state = OPEN;
            off = h + 4;
            if (storm != null) {
                storm.onUpgraded(this);
            }
            proto.onUpgraded(this);
        }
        while (state == OPEN && end - off >= 2) {
            int b0 = b[off] & 0xFF, b1 = b[off + 1] & 0xFF;
            boolean fin = (b0 & 0x80) != 0;
            int op = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7F;
            int hdr = 2;
            if (len == 126) {
                if (end - off < 4) {
                    break;
                }
                len = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
                hdr = 4;
            } else if (len == 127) {
                if (end - off < 10) {
                    break;
                }
                len = 0;
                for (int i = 2; i < 10; i++) {
                    len = (len << 8) | (b[off + i] & 0xFF);
                }
                hdr = 10;
            }
            if (masked) {
                hdr += 4; // servers do not mask; tolerated, not unmasked
            }
            if (end - off < hdr + len) {
                break;
            }
            int p = off + hdr;
            int l = (int) len;
            off = p + l;
            switch (op) {
                case 0x0, 0x1, 0x2 -> {
                    if (op != 0 && fin) {
                        proto.onText(this, b, p, p + l);
                    } else {
                        if (frag == null || op != 0) {
                            frag = new byte[Math.max(l, 1024)];
                            fragLen = 0;
                        }
                        if (frag.length < fragLen + l) {
                            frag = Arrays.copyOf(frag, Math.max(fragLen + l, frag.length * 2));
                        }
                        System.arraycopy(b, p, frag, fragLen, l);
                        fragLen += l;
                        if (fin) {
                            byte[] whole = frag;
                            frag = null;
                            proto.onText(this, whole, 0, fragLen);
                        }
                    }
                }
                case 0x8 -> {
                    int code = l >= 2 ? ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF) : 1005;
                    run.closedByServer.increment();
                    run.sample("close-" + code, "close frame " + code + " " + (l > 2 ? Bytes.str(b, p + 2, l - 2) : ""));
                    if (storm != null) {
                        storm.onEnd(this, "close " + code);
                    }
                    close();
                }
                case 0x9 -> sendFrame(0xA, Arrays.copyOfRange(b, p, p + l));
                default -> {
                    // pong or unknown: ignore
                }
            }
        }
        return off;
    }

    void onWritable() throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer bb = out.peek();
            ch.write(bb);
            if (bb.hasRemaining()) {
                return;
            }
            out.poll();
        }
        if (state != CLOSED) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void write(ByteBuffer bb) throws IOException {
        if (out.isEmpty()) {
            ch.write(bb);
            if (!bb.hasRemaining()) {
                return;
            }
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        out.add(bb);
    }

    void sendText(String text) {
        sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Masked client frame; the mask key is 0 (legal; keeps the payload bytes as they are). */
    void sendFrame(int op, byte[] payload) {
        if (state != OPEN) {
            return;
        }
        int n = payload.length;
        int hdr = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[hdr + 4 + n];
        f[0] = (byte) (0x80 | op);
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, hdr + 4, n);
        try {
            write(ByteBuffer.wrap(f));
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** The protocol is ready (welcome / joined / upgraded): counts connect time once. */
    void markReady() {
        if (!ready) {
            ready = true;
            readyNs = System.nanoTime();
            loop.connect.recordValue(Math.max(1, (readyNs - startNs) / 1000));
            run.ready.increment();
        }
    }

    void publishOne() {
        long t = System.nanoTime();
        long seq = 0;
        if (run.measuring) {
            seq = run.seq.incrementAndGet();
            run.sentMeasured.increment();
        } else {
            run.sentWarmup.increment();
        }
        proto.publish(this, t, seq);
    }

    /** A delivery carrying {"t":<nanoTime>,"seq":<n>} at b[at..]. */
    void delivered(byte[] b, int at, int end) {
        long t = Bytes.parseLong(b, at + 5, end);   // after {"t":
        int s = Bytes.indexOf(b, at, end, Proto.SEQ);
        long seq = s < 0 ? 0 : Bytes.parseLong(b, s + Proto.SEQ.length, end);
        run.receivedAll.increment();
        if (seq > run.measuredFrom) {
            run.receivedMeasured.increment();
            Run.Fates f = run.fates;
            if (f != null) {
                f.deliveries.computeIfAbsent(seq, k -> new LongAdder()).increment();
            }
            long us = (System.nanoTime() - t) / 1000;
            loop.latency.recordValue(Math.max(0, Math.min(us, 3_600_000_000L)));
            if (us > SLOW_DELIVERY_US) { // fixed slots: nothing allocated on the client's path exactly when it is slow
                int second = (int) Math.min(SLOW_SECONDS - 1, Math.max(0, (t - run.measureStartNs) / 1_000_000_000L));
                loop.slowCount[second]++;
                loop.slowMaxUs[second] = Math.max(loop.slowMaxUs[second], us);
            }
        }
    }

    /** An ok reply to a publication sent with an id: t = its send time, seq = its measured number (0: warm-up). */
    void acked(long t, long seq, long epoch, long channelSeq) {
        run.acked.increment();
        if (posEpoch != null && seq >= 0 && seq < posEpoch.length) {
            posEpoch[(int) seq] = epoch;
            posSeq[(int) seq] = channelSeq;
        }
        if (epoch > 0 && (channelSeq > ackSeq || epoch != ackEpoch)) {
            ackEpoch = epoch;
            ackSeq = channelSeq;
        }
        if (seq > run.measuredFrom) {
            run.ackedMeasured.increment();
            Run.Fates f = run.fates;
            if (f != null) {
                f.acked.increment();
            }
            long us = (System.nanoTime() - t) / 1000;
            loop.ack.recordValue(Math.max(0, Math.min(us, 3_600_000_000L)));
        }
    }

    /** An error reply to a publication sent with an id: t = its send time, seq = its measured number (0: warm-up). */
    void refused(long t, long seq) {
        Run.Fates f = run.fates;
        if (f != null && seq > run.measuredFrom) {
            f.refusedAfterUs.put(seq, (System.nanoTime() - t) / 1000);
        }
    }

    void fail(Exception e) {
        if (state != CLOSED) {
            run.failed.increment();
            if (e != null) {
                run.sample("fail-" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            }
            if (storm != null) {
                storm.onEnd(this, e == null ? "failed" : e.getClass().getSimpleName()
                        + (e.getMessage() != null && e.getMessage().length() < 40 ? " (" + e.getMessage() + ")" : ""));
            }
        }
        close();
    }

    void close() {
        state = CLOSED;
        out.clear();
        try {
            if (key != null) {
                key.cancel();
            }
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }
}
