package org.switchboard.protocol;

/**
 * Where a message sits in its channel: {@code seq} counts 1, 2, 3, … within one {@code epoch}. A
 * client keeps the last position it saw and hands it back to resume; the epoch changes only when
 * the channel's history was lost, so a position from another epoch cannot be resumed.
 * {@code (0, 0)} means "nothing seen yet".
 */
public record Position(long epoch, long seq) {

    public static final Position NONE = new Position(0, 0);

    public boolean isNone() {
        return epoch == 0 && seq == 0;
    }
}
