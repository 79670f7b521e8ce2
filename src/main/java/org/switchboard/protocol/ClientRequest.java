package org.switchboard.protocol;

/**
 * A well-formed client request. Which fields are present depends on {@link #type()}; the
 * decoder has already checked that the ones the type needs are there. {@code dataJson} is the
 * {@code data} value as JSON text without line breaks, ready to be spliced into envelopes.
 */
public record ClientRequest(RequestType type, String id, String channel, String dataJson) {
}
