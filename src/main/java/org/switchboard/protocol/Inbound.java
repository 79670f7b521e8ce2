package org.switchboard.protocol;

/**
 * What the decoder makes of one client frame: a request, or a rejection that still carries the
 * request {@code id} when one could be read, so the error reply can be correlated.
 */
public sealed interface Inbound {

    record Request(ClientRequest request) implements Inbound {
    }

    record Rejected(String id, ErrorCode code, String message) implements Inbound {
    }

    /** A text message over the size limit: answered with close 1009, not a reply. */
    record TooLarge() implements Inbound {
    }
}
