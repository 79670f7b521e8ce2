package org.switchboard.security;

/** The answer to a WebSocket handshake: let it upgrade as a principal, or refuse it with an HTTP status. */
public sealed interface Admission {

    /** @param principal handed to the endpoint through the upgrade request */
    record Admitted(HubPrincipal principal) implements Admission {
    }

    /**
     * @param status 400, 401, 403 or 429
     * @param reason the response body, in words a client developer can act on (never the credential)
     * @param retryAfterSeconds for 429, else 0
     * @param challenge the {@code WWW-Authenticate} value for 401, else null
     * @param metric the {@code reason} tag of the refused-handshakes counter
     */
    record Refused(int status, String reason, int retryAfterSeconds, String challenge, String metric) implements Admission {
    }
}
