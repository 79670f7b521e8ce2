package org.switchboard.protocol;

import java.util.List;
import java.util.Map;

/** Factories for the server frames that answer requests or announce presence. */
public final class Replies {

    private static final Map<String, Object> OK = Map.of("ok", true);

    private Replies() {
    }

    public static ServerFrame ok(String id) {
        return ServerFrame.of("reply", id, null, OK);
    }

    public static ServerFrame error(String id, ErrorCode code, String message) {
        return ServerFrame.of("reply", id, null,
                Map.of("ok", false, "error", Map.of("code", code.wire(), "message", message)));
    }

    public static ServerFrame pong(String id) {
        return ServerFrame.of("pong", id, null, null);
    }

    public static ServerFrame presence(String id, String channel, List<Member> members) {
        return ServerFrame.of("presence", id, channel, Map.of("members", members));
    }

    public static ServerFrame join(String channel, Member member) {
        return ServerFrame.of("join", null, channel, member);
    }

    public static ServerFrame leave(String channel, Member member) {
        return ServerFrame.of("leave", null, channel, member);
    }
}
