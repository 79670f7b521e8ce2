package org.switchboard.protocol;

/**
 * Builds the hot path's frames by hand: a {@code message} frame is encoded once per message on the
 * fan-out path, and the publisher's {@code data} is already JSON text without line breaks that only
 * needs splicing in; the {@code ok} reply goes to every publisher. The output is the same JSON that
 * {@link FrameEncoder} would produce for the equivalent {@link ServerFrame} when {@code data} is
 * compact (a unit test keeps them in step). Both are written as UTF-8 straight into the
 * frame the socket gets ({@link JsonUtf8}). No JSON-P call here: each static
 * {@code jakarta.json.Json} call looks its provider up again, and on Payara that lookup is a
 * class-path scan that cost over half the server's CPU under load.
 */
public final class MessageFrames {

    private MessageFrames() {
    }

    /** The {@code message} frame's JSON, written as UTF-8 (see {@link JsonUtf8}). */
    public static void message(JsonUtf8 out, String channel, long epoch, long seq, long ts, Member from, String dataJson) {
        out.ascii("{\"type\":\"message\",\"channel\":").quoted(channel)
                .ascii(",\"epoch\":").number(epoch)
                .ascii(",\"seq\":").number(seq)
                .ascii(",\"ts\":").number(ts)
                .ascii(",\"from\":{\"connection\":").quoted(from.connection())
                .ascii(",\"name\":").quoted(from.name())
                .ascii("},\"data\":").raw(dataJson).ascii("}");
    }

    /** The {@code ok} reply, written as UTF-8: sent once per publication, so it skips JSON-B too. */
    public static void ok(JsonUtf8 out, String id) {
        if (id == null) {
            out.ascii("{\"type\":\"reply\",\"data\":{\"ok\":true}}");
        } else {
            out.ascii("{\"type\":\"reply\",\"id\":").quoted(id).ascii(",\"data\":{\"ok\":true}}");
        }
    }
}
