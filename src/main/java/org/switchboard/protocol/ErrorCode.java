package org.switchboard.protocol;

/**
 * Stable, machine-readable error codes sent in {@code reply} frames. The wire value never
 * changes once published, because clients branch on it; see docs/protocol.md.
 */
public enum ErrorCode {
    MALFORMED_JSON("malformed_json"),
    UNKNOWN_TYPE("unknown_type"),
    MISSING_FIELD("missing_field"),
    INVALID_CHANNEL("invalid_channel"),
    TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions"),
    RATE_LIMITED("rate_limited"),
    BINARY_NOT_SUPPORTED("binary_not_supported"),
    UNAVAILABLE("unavailable"),
    INVALID_FIELD("invalid_field"),
    NO_HISTORY("no_history"),
    FORBIDDEN("forbidden"),
    INVALID_TOKEN("invalid_token");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
