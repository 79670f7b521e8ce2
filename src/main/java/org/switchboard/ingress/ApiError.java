package org.switchboard.ingress;

import org.switchboard.protocol.ErrorCode;

/**
 * Why the hub did not publish: the protocol's error code, with the HTTP status a REST caller gets.
 *
 * @param status the HTTP status
 * @param code the protocol error code (docs/protocol.md "Error codes"), or {@code unauthorized}
 * @param message for people
 */
public record ApiError(int status, String code, String message) {

    public static ApiError of(ErrorCode code, String message) {
        return new ApiError(statusOf(code), code.wire(), message);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "unauthorized", message);
    }

    static int statusOf(ErrorCode code) {
        return switch (code) {
            case FORBIDDEN -> 403;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
            default -> 400;
        };
    }
}
