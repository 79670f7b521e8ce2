package org.switchboard.bus;

import org.switchboard.protocol.Member;

/**
 * What travels through the broker: a publication, a presence change, or the sequencer's answer to
 * a publication it did not deliver. {@code dataJson} is the publisher's payload as JSON text
 * without line breaks (null for presence changes; the reason for a {@code REJECTED} event). A
 * publication gets its position ({@code epoch}, {@code seq}) from the sequencer; until then both
 * are 0. {@code ref} identifies the event to the member that published it; {@code key} is the
 * client's idempotency key, if it gave one.
 */
public record HubEvent(Kind kind, String channel, Member from, long ts, String dataJson, long epoch, long seq,
                       String ref, String key) {

    /**
     * {@code DUPLICATE}: a publication whose key (or reference) the channel's history already holds,
     * carrying the stored position; it confirms the publisher and is delivered to nobody.
     * {@code REJECTED}: a publication the sequencer refused (stale, or history unavailable); it
     * fails the publisher and is delivered to nobody.
     */
    public enum Kind { MESSAGE, JOIN, LEAVE, DUPLICATE, REJECTED }

    public static HubEvent message(String channel, Member from, String dataJson) {
        return message(channel, from, dataJson, null);
    }

    public static HubEvent message(String channel, Member from, String dataJson, String key) {
        return new HubEvent(Kind.MESSAGE, channel, from, System.currentTimeMillis(), dataJson, 0, 0, null, key);
    }

    public static HubEvent join(String channel, Member member) {
        return new HubEvent(Kind.JOIN, channel, member, System.currentTimeMillis(), null, 0, 0, null, null);
    }

    public static HubEvent leave(String channel, Member member) {
        return new HubEvent(Kind.LEAVE, channel, member, System.currentTimeMillis(), null, 0, 0, null, null);
    }

    public HubEvent at(long epoch, long seq) {
        return new HubEvent(kind, channel, from, ts, dataJson, epoch, seq, ref, key);
    }

    /** Tags the event so its publisher recognises it when the topic delivers it back. */
    public HubEvent withRef(String ref) {
        return new HubEvent(kind, channel, from, ts, dataJson, epoch, seq, ref, key);
    }

    /** The answer to a retried publication: the stored one's position, delivered to nobody. */
    public HubEvent duplicateAt(long epoch, long seq) {
        return new HubEvent(Kind.DUPLICATE, channel, from, ts, null, epoch, seq, ref, key);
    }

    /** The answer to a publication the sequencer will not deliver, and why. */
    public HubEvent rejected(String reason) {
        return new HubEvent(Kind.REJECTED, channel, from, ts, reason, 0, 0, ref, key);
    }

    /** What identifies the publication to the history store: the client's key, else this member's reference. */
    public String publicationKey() {
        return key != null ? "k:" + key : ref == null ? null : "r:" + ref;
    }

    public boolean isMessage() {
        return kind == Kind.MESSAGE;
    }
}
