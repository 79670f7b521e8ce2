package org.switchboard.protocol;

import jakarta.json.JsonValue;

/**
 * A well-formed client request. Which fields are present depends on {@link #type()}; the
 * decoder has already checked that the ones the type needs are there.
 */
public record ClientRequest(RequestType type, String id, String channel, JsonValue data) {
}
