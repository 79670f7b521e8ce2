package org.switchboard.security;

import java.security.Principal;

/**
 * Carries the identity the handshake filter established to the endpoint's {@code onOpen}: Tyrus
 * copies the upgrade request's user principal into the WebSocket session, so a request wrapper
 * that answers with this principal is the one supported way across the upgrade.
 *
 * @param identity who the client is
 * @param address the client's IP address, for the per-address connection limit
 */
public record HubPrincipal(Identity identity, String address) implements Principal {

    @Override
    public String getName() {
        return identity.subject() != null ? identity.subject() : identity.name();
    }
}
