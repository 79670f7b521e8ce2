package org.switchboard.protocol;

/**
 * A well-formed client request. Which fields are present depends on {@link #type()}; the
 * decoder has already checked that the ones the type needs are there. {@code dataJson} is the
 * {@code data} value as JSON text without line breaks, ready to be spliced into envelopes.
 * {@code key} is a publication's idempotency key; {@code since} the last position a subscriber saw;
 * {@code after}/{@code before} and {@code limit} page a history request (null/0 when absent);
 * {@code token} is the new credential of a {@code refresh}.
 */
public record ClientRequest(RequestType type, String id, String channel, String dataJson,
                            String key, Position since, Position after, Position before, int limit, String token) {

    public ClientRequest(RequestType type, String id, String channel, String dataJson) {
        this(type, id, channel, dataJson, null, null, null, null, 0, null);
    }
}
