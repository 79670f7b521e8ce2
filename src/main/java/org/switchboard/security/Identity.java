package org.switchboard.security;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Who is on the other end of a connection, established once on the handshake. Channel rules and
 * the wire ({@code welcome}, {@code from}, presence) read it; the WebSocket calls after the
 * handshake carry no container security context (jakartaee/websocket#238), so this is the only
 * place the hub learns who a client is.
 *
 * @param subject the verified subject ({@code sub} claim or the container principal); null when anonymous
 * @param name the display name others see
 * @param groups JWT {@code groups} or the container roles the caller is in
 * @param claims string-valued claims, for rules that bind a channel segment to a claim
 * @param expiresAt when the credential stops being valid; null when it does not expire (container session, anonymous)
 * @param source how the identity was established
 */
public record Identity(String subject, String name, Set<String> groups, Map<String, String> claims,
                       Instant expiresAt, Source source) {

    /** How a connection proved who it is. */
    public enum Source {
        /** A bearer JWT (header, subprotocol or cookie). */
        TOKEN,
        /** The web application's own login (an authenticated HTTP session). */
        CONTAINER,
        /** {@code switchboard.security.anonymous} mode: a self-chosen name, nothing verified. */
        ANONYMOUS,
        /** The member itself ({@link WarmUpPass}): warm-up channels only. */
        SYSTEM
    }

    public Identity {
        groups = Set.copyOf(groups);
        claims = Map.copyOf(claims);
    }

    public static Identity anonymous(String name) {
        return new Identity(null, name, Set.of(), Map.of(), null, Source.ANONYMOUS);
    }

    public boolean authenticated() {
        return source != Source.ANONYMOUS;
    }

    /** The same identity under another display name (an anonymous guest named after its connection). */
    public Identity named(String newName) {
        return new Identity(subject, newName, groups, claims, expiresAt, source);
    }

    /** The value a rule placeholder {@code {claim}} binds to: {@code sub} is the subject, others are claims. */
    public String claim(String claim) {
        return "sub".equals(claim) ? subject : claims.get(claim);
    }
}
