package org.switchboard.client;

/**
 * The hub's acknowledgement of a publication: its position, and whether its key had been published
 * before (then it was not delivered again).
 */
public record PublishResult(long epoch, long seq, boolean duplicate) {

    public Position position() {
        return new Position(epoch, seq);
    }
}
