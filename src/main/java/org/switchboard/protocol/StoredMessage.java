package org.switchboard.protocol;

/** A message as the history store keeps it and replays it: a {@code message} envelope's content. */
public record StoredMessage(long epoch, long seq, long ts, Member from, String dataJson) {
}
