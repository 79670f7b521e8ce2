package org.switchboard.client;

/**
 * Messages of a subscription that the client could not deliver: {@code reason} is {@code gone}
 * (history no longer holds them; {@code earliest} is where it starts now, {@code epoch} its epoch),
 * {@code unavailable} (the history store is down now) or {@code live-only} (the channel keeps no
 * history). {@code from} is the last position delivered before the gap (null if none). The
 * application should reload its state of the channel.
 */
public record Unrecovered(String reason, Position from, Long earliest, Long epoch) {
}
