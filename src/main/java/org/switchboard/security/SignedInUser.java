package org.switchboard.security;

import java.io.Serializable;
import java.util.Set;

/**
 * The container login of an HTTP session, as the hub keeps it in the session: Payara restores the
 * session's principal only on requests to constrained pages, and the WebSocket path cannot be
 * constrained without sending token clients to the login form. Recorded when a signed-in request
 * passes through {@code SignedInSessionFilter}, read on the handshake.
 *
 * @param subject the principal's name
 * @param roles the hub's roles the principal is in
 */
public record SignedInUser(String subject, Set<String> roles) implements Serializable {

    /** The session attribute that holds it. */
    public static final String ATTRIBUTE = SignedInUser.class.getName();

    public SignedInUser {
        roles = Set.copyOf(roles);
    }
}
