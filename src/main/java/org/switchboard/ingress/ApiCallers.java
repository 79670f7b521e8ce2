package org.switchboard.ingress;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.switchboard.security.DisplayNames;
import org.switchboard.security.HandshakeAuthenticator;
import org.switchboard.security.Identity;
import org.switchboard.security.SignedInUser;
import org.switchboard.security.TokenVerifier;
import org.switchboard.security.Tokens;

/**
 * Who calls the REST API: a bearer JWT (verified like a socket's) or the container's credentials
 * ({@code Authorization: Basic}, checked against the application's realm with
 * {@code HttpServletRequest.login}). A session cookie is not accepted: a browser sends it on its
 * own, so cookie-authenticated POSTs would be open to cross-site request forgery.
 */
@ApplicationScoped
public class ApiCallers {

    /** Sent by the hub's own signed-in pages (the admin page) with their session cookie. */
    public static final String PAGE_HEADER = "X-Requested-With";
    static final String PAGE_HEADER_VALUE = "switchboard";
    public static final String CHALLENGE = "Bearer realm=\"switchboard\", Basic realm=\"switchboard\"";

    @Inject
    Tokens tokens;
    @Inject
    HandshakeAuthenticator authenticator;

    /** The caller's identity, or the reason it has none. */
    public sealed interface Caller {
    }

    public record Known(Identity identity) implements Caller {
    }

    public record Unknown(String reason) implements Caller {
    }

    public Caller identify(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            return signedInPage(request);
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            try {
                return new Known(tokens.verify(authorization.substring(7).strip()));
            } catch (TokenVerifier.InvalidToken e) {
                return new Unknown(e.getMessage());
            }
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(request, authorization.substring(6).strip());
        }
        return new Unknown("unsupported Authorization scheme; use Bearer or Basic");
    }

    /**
     * A page of this application whose user signed in (FORM login): its session counts only with
     * the header {@value #PAGE_HEADER}, which another site's page cannot send without a CORS
     * preflight the hub never grants — so a session cookie alone never authorizes a call (CSRF).
     */
    private static Caller signedInPage(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (PAGE_HEADER_VALUE.equals(request.getHeader(PAGE_HEADER)) && session != null
                && session.getAttribute(SignedInUser.ATTRIBUTE) instanceof SignedInUser user) {
            return new Known(new Identity(user.subject(), DisplayNames.fromClaims(user.subject()), user.roles(), Map.of(), null,
                    Identity.Source.CONTAINER));
        }
        return new Unknown("authentication required: Authorization: Bearer <jwt> or Basic <user:password>");
    }

    private Caller basic(HttpServletRequest request, String encoded) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Unknown("malformed Basic credentials");
        }
        int colon = pair.indexOf(':');
        if (colon < 1) {
            return new Unknown("malformed Basic credentials");
        }
        try {
            request.login(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (ServletException e) {
            return new Unknown("wrong user name or password");
        }
        try {
            Principal principal = request.getUserPrincipal();
            SignedInUser user = authenticator.signedIn(request, principal);
            return new Known(new Identity(user.subject(), DisplayNames.fromClaims(user.subject()), user.roles(), Map.of(), null,
                    Identity.Source.CONTAINER));
        } finally {
            try {
                request.logout();
            } catch (ServletException ignored) {
                // the request ends anyway
            }
        }
    }
}
