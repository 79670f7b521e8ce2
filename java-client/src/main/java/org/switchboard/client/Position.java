package org.switchboard.client;

/** Where a message stands in its channel: the channel's epoch and the message's seq in it. */
public record Position(long epoch, long seq) {

    /** Whether {@code epoch}/{@code seq} is this position or before it (a message already seen). */
    boolean covers(long epoch, long seq) {
        return epoch < this.epoch || (epoch == this.epoch && seq <= this.seq);
    }
}
