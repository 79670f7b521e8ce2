package org.switchboard.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Establishes the identity of a connecting client from its handshake. The one pluggable piece of
 * identity: the security work replaces the bean, nothing else changes.
 */
public interface IdentityResolver {

    /**
     * @param parameters the handshake's query parameters
     * @param connectionId the id the hub gave the connection
     * @return the identity, or empty when the handshake must be refused
     */
    Optional<Identity> resolve(Map<String, List<String>> parameters, String connectionId);

    /** Why {@link #resolve} refuses, in words a client developer can act on. */
    String rule();
}
