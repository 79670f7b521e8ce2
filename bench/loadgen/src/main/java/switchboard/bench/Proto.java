package switchboard.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What one stack speaks. Every publication's data is {"t":<System.nanoTime()>,"seq":<n>}. */
abstract class Proto {
    static final byte[] DATA = Bytes.ascii("{\"t\":");
    static final byte[] SEQ = Bytes.ascii("\"seq\":");

    /** path and query of the upgrade request */
    abstract String path(String basePath, Conn c);

    String extraHeaders() {
        return "";
    }

    abstract void onUpgraded(Conn c);

    abstract void onText(Conn c, byte[] b, int off, int end);

    abstract void publish(Conn c, long t, long seq);

    /** Whether a publisher receives its own publications (it is a room member). */
    static String data(long t, long seq) {
        return "{\"t\":" + t + ",\"seq\":" + seq + "}";
    }

    static Proto of(String stack) {
        return switch (stack) {
            case "switchboard" -> new Switchboard();
            case "bare" -> new Bare();
            case "socketio" -> new SocketIo();
            default -> throw new IllegalArgumentException("unknown stack " + stack + " (switchboard|bare|socketio)");
        };
    }

    /** Switchboard v1: welcome, subscribe -> reply, publish; server frames may batch envelopes with '\n'. */
    static final class Switchboard extends Proto {
        private static final byte[] MESSAGE = Bytes.ascii("{\"type\":\"message\"");
        private static final byte[] WELCOME = Bytes.ascii("{\"type\":\"welcome\"");
        private static final byte[] REPLY = Bytes.ascii("{\"type\":\"reply\"");
        private static final byte[] SUB_OK = Bytes.ascii("{\"type\":\"reply\",\"id\":\"s\",\"data\":{\"ok\":true");
        private static final byte[] SUB_REPLY = Bytes.ascii("{\"type\":\"reply\",\"id\":\"s\",");
        private static final byte[] NOT_OK = Bytes.ascii("\"ok\":false");
        private static final byte[] DATA_T = Bytes.ascii("\"data\":{\"t\":");
        private static final byte[] PUB_REPLY = Bytes.ascii("{\"type\":\"reply\",\"id\":\"");
        private static final byte[] OK_TRUE = Bytes.ascii("\"ok\":true");
        private static final byte[] EPOCH_K = Bytes.ascii("\"epoch\":");
        private static final byte[] SEQ_K = Bytes.ascii("\"seq\":");
        private static final byte[] RECOVERED_TRUE = Bytes.ascii("\"recovered\":true");
        private static final byte[] RECOVERED_FALSE = Bytes.ascii("\"recovered\":false");
        private static final byte[] MARKER = Bytes.ascii("\"mk\":1");

        @Override
        String path(String basePath, Conn c) {
            return basePath + "?name=b" + c.index;
        }

        @Override
        String extraHeaders() {
            return "Sec-WebSocket-Protocol: switchboard.v1\r\n";
        }

        @Override
        void onUpgraded(Conn c) {
            // wait for welcome
        }

        @Override
        void onText(Conn c, byte[] b, int off, int end) {
            int start = off;
            for (int i = off; i <= end; i++) {
                if (i == end || b[i] == '\n') {
                    if (i > start) {
                        line(c, b, start, i);
                    }
                    start = i + 1;
                }
            }
        }

        private void line(Conn c, byte[] b, int off, int end) {
            if (Bytes.startsWith(b, off, end, MESSAGE)) {
                if (c.track != null) {
                    tracked(c, b, off, end);
                    return;
                }
                int d = Bytes.indexOf(b, off, end, DATA_T);
                if (d >= 0) {
                    c.delivered(b, d + 7, end);
                }
            } else if (Bytes.startsWith(b, off, end, REPLY)) {
                if (c.storm != null && Bytes.startsWith(b, off, end, SUB_REPLY)) {
                    // storm: live when the subscribe with since is answered ok with recovered:true
                    boolean ok = Bytes.startsWith(b, off, end, SUB_OK);
                    c.storm.onReply(c, ok, ok && Bytes.indexOf(b, off, end, RECOVERED_TRUE) >= 0, Bytes.str(b, off, end - off));
                } else if (Bytes.startsWith(b, off, end, SUB_OK)) {
                    if (c.track != null && c.track.resuming) {
                        resumeReply(c, b, off, end);
                    }
                    c.markReady();
                } else if (Bytes.startsWith(b, off, end, PUB_REPLY) && end - off > PUB_REPLY.length
                        && Character.isDigit(b[off + PUB_REPLY.length]) && Bytes.indexOf(b, off, end, OK_TRUE) >= 0) {
                    // {"type":"reply","id":"<t>_<seq>","data":{"ok":true,"epoch":E,"seq":S}}
                    int id = off + PUB_REPLY.length;
                    long t = Bytes.parseLong(b, id, end);
                    int us = idSeparator(b, id, end);
                    long seq = us < end && b[us] == '_' ? Bytes.parseLong(b, us + 1, end) : 0;
                    int e = Bytes.indexOf(b, us, end, EPOCH_K);
                    int s = e < 0 ? -1 : Bytes.indexOf(b, e, end, SEQ_K);
                    c.acked(t, seq, e < 0 ? 0 : Bytes.parseLong(b, e + EPOCH_K.length, end),
                            s < 0 ? 0 : Bytes.parseLong(b, s + SEQ_K.length, end));
                } else if (Bytes.indexOf(b, off, end, NOT_OK) >= 0) {
                    c.run.errorReplies.increment();
                    c.run.sample("error-reply", Bytes.str(b, off, end - off));
                    if (c.ackIds && end - off > PUB_REPLY.length && Bytes.startsWith(b, off, end, PUB_REPLY)
                            && Character.isDigit(b[off + PUB_REPLY.length])) {
                        int id = off + PUB_REPLY.length;
                        int us = idSeparator(b, id, end);
                        c.refused(Bytes.parseLong(b, id, end), us < end && b[us] == '_' ? Bytes.parseLong(b, us + 1, end) : 0);
                    }
                }
            } else if (Bytes.startsWith(b, off, end, WELCOME)) {
                if (c.storm != null) {
                    c.storm.onWelcome(c);
                    c.sendText(c.storm.subscribe());
                } else if (c.room != null && !c.publisher) {
                    Track k = c.track;
                    if (k != null && k.resuming) {
                        c.sendText("{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"" + c.room
                                + "\",\"since\":{\"epoch\":" + k.epoch + ",\"seq\":" + k.seq + "}}");
                    } else {
                        c.sendText("{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"" + c.room + "\"}");
                    }
                } else {
                    c.markReady();
                }
            }
        }

        /** Where a publication id "<t>_<seq>" starting at {@code id} has its '_' (or ends). */
        private static int idSeparator(byte[] b, int id, int end) {
            int us = id;
            while (us < end && b[us] != '_' && b[us] != '"') {
                us++;
            }
            return us;
        }

        /** A message to a resume client: its position (the envelope's epoch and seq come before its data). */
        private void tracked(Conn c, byte[] b, int off, int end) {
            int e = Bytes.indexOf(b, off, end, EPOCH_K);
            int s = e < 0 ? -1 : Bytes.indexOf(b, e, end, SEQ_K);
            if (s < 0) {
                c.run.sample("no-position", Bytes.str(b, off, end - off));
                return;
            }
            int d = Bytes.indexOf(b, s, end, DATA_T);
            c.run.receivedAll.increment();
            c.track.onMessage(c, Bytes.parseLong(b, e + EPOCH_K.length, end), Bytes.parseLong(b, s + SEQ_K.length, end),
                    d >= 0 && Bytes.indexOf(b, d, end, MARKER) >= 0);
        }

        /** The reply to a subscribe with since: the missed messages follow only with recovered:true. */
        private void resumeReply(Conn c, byte[] b, int off, int end) {
            Track k = c.track;
            if (k.replied) {
                return;
            }
            k.replied = true;
            if (Bytes.indexOf(b, off, end, RECOVERED_TRUE) >= 0) {
                c.run.recovered.increment();
            } else {
                c.run.notRecovered.increment();
                c.run.sample(Bytes.indexOf(b, off, end, RECOVERED_FALSE) >= 0 ? "not-recovered" : "no-recovered-field",
                        Bytes.str(b, off, end - off));
            }
        }

        @Override
        void publish(Conn c, long t, long seq) {
            if (c.ackIds) {
                c.sendText("{\"type\":\"publish\",\"id\":\"" + t + "_" + seq + "\",\"channel\":\"" + c.room
                        + "\",\"data\":" + data(t, seq) + "}");
            } else {
                c.sendText("{\"type\":\"publish\",\"channel\":\"" + c.room + "\",\"data\":" + data(t, seq) + "}");
            }
        }
    }

    /** The bare @ServerEndpoint: room in the query; every text message goes to the room as it is. */
    static final class Bare extends Proto {
        @Override
        String path(String basePath, Conn c) {
            if (c.room == null) {
                return basePath;
            }
            return basePath + "?room=" + URLEncoder.encode(c.room, StandardCharsets.UTF_8) + (c.publisher ? "&pub=1" : "");
        }

        @Override
        void onUpgraded(Conn c) {
            c.markReady();
        }

        @Override
        void onText(Conn c, byte[] b, int off, int end) {
            if (Bytes.startsWith(b, off, end, DATA)) {
                c.delivered(b, off, end);
            }
        }

        @Override
        void publish(Conn c, long t, long seq) {
            c.sendText(data(t, seq));
        }
    }

    /** Socket.IO 4 over a plain WebSocket (Engine.IO 4). */
    static final class SocketIo extends Proto {
        private static final byte[] MSG = Bytes.ascii("42[\"msg\",");
        private static final byte[] JOINED = Bytes.ascii("42[\"joined\"");
        private static final byte[] CONNECTED = Bytes.ascii("40");
        private static final byte[] CONNECT_ERROR = Bytes.ascii("44");

        @Override
        String path(String basePath, Conn c) {
            return "/socket.io/?EIO=4&transport=websocket";
        }

        @Override
        void onUpgraded(Conn c) {
            // wait for the Engine.IO open packet
        }

        @Override
        void onText(Conn c, byte[] b, int off, int end) {
            if (end - off < 1) {
                return;
            }
            if (Bytes.startsWith(b, off, end, MSG)) {
                int d = Bytes.indexOf(b, off, end, DATA);
                if (d >= 0) {
                    c.delivered(b, d, end);
                }
                return;
            }
            switch (b[off]) {
                case '0' -> c.sendText("40");                    // engine.io open -> socket.io connect
                case '2' -> c.sendText("3");                     // engine.io ping -> pong
                case '4' -> {
                    if (Bytes.startsWith(b, off, end, JOINED)) {
                        c.markReady();
                    } else if (Bytes.startsWith(b, off, end, CONNECTED)) {
                        if (c.room != null && !c.publisher) {
                            c.sendText("42[\"join\",\"" + c.room + "\"]");
                        } else {
                            c.markReady();
                        }
                    } else if (Bytes.startsWith(b, off, end, CONNECT_ERROR)) {
                        c.run.errorReplies.increment();
                        c.run.sample("error-reply", Bytes.str(b, off, end - off));
                    }
                }
                default -> {
                    // '1' close, '6' noop, ...
                }
            }
        }

        @Override
        void publish(Conn c, long t, long seq) {
            c.sendText("42[\"msg\",\"" + c.room + "\"," + data(t, seq) + "]");
        }
    }
}
