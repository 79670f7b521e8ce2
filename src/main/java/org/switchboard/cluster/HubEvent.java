package org.switchboard.cluster;

import org.switchboard.protocol.Member;

/**
 * What travels on the message topic between members: a publication or a presence change.
 * {@code dataJson} is the publisher's payload as compact JSON (null for presence changes).
 */
public record HubEvent(Kind kind, String channel, Member from, long ts, String dataJson) {

    public enum Kind { MESSAGE, JOIN, LEAVE }

    public static HubEvent message(String channel, Member from, String dataJson) {
        return new HubEvent(Kind.MESSAGE, channel, from, System.currentTimeMillis(), dataJson);
    }

    public static HubEvent join(String channel, Member member) {
        return new HubEvent(Kind.JOIN, channel, member, System.currentTimeMillis(), null);
    }

    public static HubEvent leave(String channel, Member member) {
        return new HubEvent(Kind.LEAVE, channel, member, System.currentTimeMillis(), null);
    }
}
