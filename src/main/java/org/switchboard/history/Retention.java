package org.switchboard.history;

/**
 * How much of which channels' history is kept: {@link #of} says, per channel, whether it keeps
 * history at all and how many messages for how long.
 */
public interface Retention {

    /** null when the channel is live-only. */
    Rule of(String channel);

    record Rule(int maxMessages, long maxAgeMs) {
    }
}
