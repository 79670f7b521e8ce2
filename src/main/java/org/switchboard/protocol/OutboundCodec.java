package org.switchboard.protocol;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import java.util.List;
import java.util.Map;

/**
 * Every server-to-client envelope, as the complete WebSocket frame a connection queues
 * ({@link TextFrames}): the one place that knows what the server says on the wire (see
 * docs/protocol.md). The two frames on the per-message path — {@code message}, encoded once per
 * publication for all its recipients, and the {@code ok} reply — are written by hand as UTF-8
 * straight into the frame ({@link JsonUtf8}); the others go through JSON-B. No JSON-P call on the
 * hot path: each static {@code jakarta.json.Json} call looks its provider up again, and on Payara
 * that lookup is a class-path scan. A unit test keeps the hand-written frames equal to what JSON-B
 * would produce for the same {@link ServerEnvelope}.
 */
public final class OutboundCodec {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Map<String, Object> OK = Map.of("ok", true);

    private OutboundCodec() {
    }

    /** A publication as delivered to subscribers; {@code dataJson} is JSON text without line breaks. */
    public static byte[] message(String channel, long epoch, long seq, long ts, Member from, String dataJson) {
        return TextFrames.of(out -> writeMessage(out, channel, epoch, seq, ts, from, dataJson));
    }

    /** The successful {@code reply} to request {@code id} (null when the request had none). */
    public static byte[] ok(String id) {
        return TextFrames.of(out -> writeOk(out, id));
    }

    /** The {@code ok} reply to a publication: where it sits in its channel, and whether it was a retry already stored. */
    public static byte[] published(String id, long epoch, long seq, boolean duplicate) {
        return TextFrames.of(out -> writePublished(out, id, epoch, seq, duplicate));
    }

    /**
     * The {@code ok} reply to a subscription of a channel with history: the channel's last position
     * when the subscription started ({@code position} null when the store could not be read), and,
     * when the client asked to resume, whether the missed messages follow ({@code recovered}) or
     * where the channel's history now starts ({@code earliest}, the first stored seq).
     */
    public static byte[] subscribed(String id, Position position, Boolean recovered, Long earliest) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("ok", true);
        if (position != null) {
            data.put("epoch", position.epoch());
            data.put("seq", position.seq());
        }
        if (recovered != null) {
            data.put("recovered", recovered);
        }
        if (earliest != null) {
            data.put("earliest", earliest);
        }
        return frame(ServerEnvelope.of("reply", id, null, data));
    }

    /**
     * A page of a channel's history: its messages as {@code message} envelopes, oldest first, with
     * the channel's epoch and the first and last seq it holds now (0 and 0 when it holds none).
     */
    public static byte[] history(String id, String channel, long epoch, long earliest, long latest, List<StoredMessage> page) {
        return TextFrames.of(out -> {
            out.ascii("{\"type\":\"history\"");
            if (id != null) {
                out.ascii(",\"id\":").quoted(id);
            }
            out.ascii(",\"channel\":").quoted(channel)
                    .ascii(",\"data\":{\"epoch\":").number(epoch)
                    .ascii(",\"earliest\":").number(earliest)
                    .ascii(",\"latest\":").number(latest)
                    .ascii(",\"messages\":[");
            boolean first = true;
            for (StoredMessage m : page) {
                if (!first) {
                    out.ascii(",");
                }
                first = false;
                writeMessage(out, channel, m.epoch(), m.seq(), m.ts(), m.from(), m.dataJson());
            }
            out.ascii("]}}");
        });
    }

    public static byte[] error(String id, ErrorCode code, String message) {
        return frame(ServerEnvelope.of("reply", id, null,
                Map.of("ok", false, "error", Map.of("code", code.wire(), "message", message))));
    }

    /** The connection's token expires at {@code expiresAt} (epoch ms) unless the client sends a {@code refresh}. */
    public static byte[] expiring(long expiresAt) {
        return frame(ServerEnvelope.of("expiring", null, null, Map.of("expiresAt", expiresAt)));
    }

    /** A {@code refresh} was accepted; the connection now expires at {@code expiresAt} (null: never). */
    public static byte[] refreshed(String id, Long expiresAt) {
        return frame(ServerEnvelope.of("reply", id, null, expiresAt == null ? Map.of("ok", true)
                : Map.of("ok", true, "expiresAt", expiresAt)));
    }

    public static byte[] pong(String id) {
        return frame(ServerEnvelope.of("pong", id, null, null));
    }

    public static byte[] presence(String id, String channel, List<Member> members) {
        return frame(ServerEnvelope.of("presence", id, channel, Map.of("members", members)));
    }

    public static byte[] join(String channel, Member member) {
        return frame(ServerEnvelope.of("join", null, channel, member));
    }

    public static byte[] leave(String channel, Member member) {
        return frame(ServerEnvelope.of("leave", null, channel, member));
    }

    /** Written by hand like the message path's frames: every handshake pays for it, JSON-B's reflection was 3% of one (JFR). */
    public static byte[] welcome(Welcome welcome) {
        return TextFrames.of(out -> writeWelcome(out, welcome));
    }

    static void writeWelcome(JsonUtf8 out, Welcome w) {
        out.ascii("{\"type\":\"welcome\",\"data\":{\"protocol\":").quoted(w.protocol())
                .ascii(",\"connection\":").quoted(w.connection());
        if (w.name() != null) {
            out.ascii(",\"name\":").quoted(w.name());
        }
        if (w.user() != null) {
            out.ascii(",\"user\":").quoted(w.user());
        }
        if (w.expiresAt() != null) {
            out.ascii(",\"expiresAt\":").number(w.expiresAt());
        }
        out.ascii(",\"heartbeatMs\":").number(w.heartbeatMs());
        Welcome.Limits l = w.limits();
        if (l != null) {
            out.ascii(",\"limits\":{\"maxMessageBytes\":").number(l.maxMessageBytes())
                    .ascii(",\"maxSubscriptions\":").number(l.maxSubscriptions())
                    .ascii(",\"maxChannelLength\":").number(l.maxChannelLength());
            if (l.channelPattern() != null) {
                out.ascii(",\"channelPattern\":").quoted(l.channelPattern());
            }
            out.ascii(",\"sendQueue\":").number(l.sendQueue())
                    .ascii(",\"publishPerSecond\":").number(l.publishPerSecond()).ascii("}");
        }
        out.ascii("}}");
    }

    /** What JSON-B gives for the welcome (for the test that keeps {@link #writeWelcome} equal to it). */
    static ServerEnvelope welcomeEnvelope(Welcome welcome) {
        return ServerEnvelope.of("welcome", null, null, welcome);
    }

    /** The JSON-B encoding of an envelope, as text (for tests and the frames above). */
    static String json(ServerEnvelope envelope) {
        return JSONB.toJson(envelope);
    }

    private static byte[] frame(ServerEnvelope envelope) {
        return TextFrames.of(json(envelope));
    }

    static void writeMessage(JsonUtf8 out, String channel, long epoch, long seq, long ts, Member from, String dataJson) {
        out.ascii("{\"type\":\"message\",\"channel\":").quoted(channel)
                .ascii(",\"epoch\":").number(epoch)
                .ascii(",\"seq\":").number(seq)
                .ascii(",\"ts\":").number(ts)
                .ascii(",\"from\":{\"connection\":").quoted(from.connection())
                .ascii(",\"name\":").quoted(from.name());
        if (from.user() != null) {
            out.ascii(",\"user\":").quoted(from.user());
        }
        out.ascii("},\"data\":").raw(dataJson).ascii("}");
    }

    static void writeOk(JsonUtf8 out, String id) {
        if (id == null) {
            out.ascii("{\"type\":\"reply\",\"data\":{\"ok\":true}}");
        } else {
            out.ascii("{\"type\":\"reply\",\"id\":").quoted(id).ascii(",\"data\":{\"ok\":true}}");
        }
    }

    static void writePublished(JsonUtf8 out, String id, long epoch, long seq, boolean duplicate) {
        out.ascii("{\"type\":\"reply\"");
        if (id != null) {
            out.ascii(",\"id\":").quoted(id);
        }
        out.ascii(",\"data\":{\"ok\":true,\"epoch\":").number(epoch).ascii(",\"seq\":").number(seq);
        if (duplicate) {
            out.ascii(",\"duplicate\":true");
        }
        out.ascii("}}");
    }

    /** What JSON-B gives for the publish reply (for the test that keeps {@link #writePublished} equal to it). */
    static ServerEnvelope publishedEnvelope(String id, long epoch, long seq, boolean duplicate) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("ok", true);
        data.put("epoch", epoch);
        data.put("seq", seq);
        if (duplicate) {
            data.put("duplicate", true);
        }
        return ServerEnvelope.of("reply", id, null, data);
    }

    /** What JSON-B gives for the {@code ok} reply (for the test that keeps {@link #writeOk} equal to it). */
    static ServerEnvelope okEnvelope(String id) {
        return ServerEnvelope.of("reply", id, null, OK);
    }
}
