package org.switchboard.bus;

import org.switchboard.protocol.Member;

/**
 * What travels through the broker: a publication or a presence change. {@code dataJson} is the
 * publisher's payload as JSON text without line breaks (null for presence changes). A publication gets its
 * position ({@code epoch}, {@code seq}) from the sequencer; until then both are 0. {@code ref}
 * identifies the event to the member that published it.
 */
public record HubEvent(Kind kind, String channel, Member from, long ts, String dataJson, long epoch, long seq, String ref) {

    public enum Kind { MESSAGE, JOIN, LEAVE }

    public static HubEvent message(String channel, Member from, String dataJson) {
        return new HubEvent(Kind.MESSAGE, channel, from, System.currentTimeMillis(), dataJson, 0, 0, null);
    }

    public static HubEvent join(String channel, Member member) {
        return new HubEvent(Kind.JOIN, channel, member, System.currentTimeMillis(), null, 0, 0, null);
    }

    public static HubEvent leave(String channel, Member member) {
        return new HubEvent(Kind.LEAVE, channel, member, System.currentTimeMillis(), null, 0, 0, null);
    }

    public HubEvent at(long epoch, long seq) {
        return new HubEvent(kind, channel, from, ts, dataJson, epoch, seq, ref);
    }

    /** Tags the event so its publisher recognises it when the topic delivers it back. */
    public HubEvent withRef(String ref) {
        return new HubEvent(kind, channel, from, ts, dataJson, epoch, seq, ref);
    }
}
