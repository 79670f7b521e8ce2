package org.switchboard.history;

import org.switchboard.bus.HubEvent;
import org.switchboard.protocol.Position;
import org.switchboard.protocol.StoredMessage;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where channels with history keep their messages. Only the member that numbers messages writes
 * ({@link #append}), under a fencing token it took with {@link #takeFence}; every member reads.
 * Every method either does its work or throws {@link HistoryUnavailable}: a caller never waits
 * longer than the store's statement timeout.
 */
public interface HistoryStore {

    /** Makes this caller the only one that may append; earlier holders' appends fail from now on. */
    long takeFence(String holder);

    /** The channel's epoch and last seq, or null when it never kept history. */
    Position last(String channel);

    /**
     * Stores one batch of numbered publications in one transaction, creating the channels in
     * {@code newChannels} (channel → epoch) first. Fails with {@link Fenced} when another member
     * took the fence, and with {@link DuplicateKey} when a publication's key is already stored.
     */
    void append(long fence, Map<String, Long> newChannels, List<HubEvent> numbered);

    /** Positions of the given publication keys ({@link HubEvent#publicationKey()}) already stored in the channel. */
    Map<String, Position> positionsOf(String channel, Collection<String> publicationKeys);

    /** What the channel holds now: its epoch and first and last stored seq; null when it never kept history. */
    ChannelHistory describe(String channel);

    /** Up to {@code limit} messages with seq greater than {@code afterSeq}, oldest first. */
    List<StoredMessage> after(String channel, long afterSeq, int limit);

    /** Up to {@code limit} messages with seq less than {@code beforeSeq}, oldest first. */
    List<StoredMessage> before(String channel, long beforeSeq, int limit);

    /**
     * Removes what retention no longer keeps; at most {@code maxRows} messages per call. Returns how
     * many. A call need not look at every channel: channels written to since the last call first,
     * then the next slice of the others.
     */
    int prune(Retention retention, long nowMs, int maxRows);

    /** False while the store failed recently; callers then fail fast instead of waiting on it. */
    boolean isAvailable();

    /** Whether the last operation (or {@link #probe}) succeeded: readiness. */
    boolean isUp();

    /** One cheap round trip to find out whether a failed store is back. */
    void probe();

    /** A channel's history now: {@code earliest} > {@code latest} when it holds no messages. */
    record ChannelHistory(long epoch, long earliest, long latest) {
    }

    /** The store cannot be reached or failed the operation. */
    class HistoryUnavailable extends RuntimeException {
        public HistoryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Another member took the fence: this one must stop numbering. */
    class Fenced extends HistoryUnavailable {
        public Fenced(String message) {
            super(message, null);
        }
    }

    /** A publication of the batch is already stored (a retry or a redelivery). */
    class DuplicateKey extends HistoryUnavailable {
        public DuplicateKey(Throwable cause) {
            super("publication already stored", cause);
        }
    }
}
