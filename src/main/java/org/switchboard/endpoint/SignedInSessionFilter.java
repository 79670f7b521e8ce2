package org.switchboard.endpoint;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.switchboard.security.HandshakeAuthenticator;
import org.switchboard.security.SignedInUser;

import java.io.IOException;
import java.security.Principal;

/**
 * Records who signed in to the web application (FORM or any Jakarta Security mechanism) in their
 * HTTP session, on every request the container authenticated, so that the session's WebSocket
 * handshake — on a path the container does not constrain — can be that principal too.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class SignedInSessionFilter extends HttpFilter {

    @Inject
    HandshakeAuthenticator authenticator;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Principal principal = request.getUserPrincipal();
        if (principal != null) {
            HttpSession session = request.getSession(false);
            if (session != null && !(session.getAttribute(SignedInUser.ATTRIBUTE) instanceof SignedInUser known
                    && known.subject().equals(principal.getName()))) {
                session.setAttribute(SignedInUser.ATTRIBUTE, authenticator.signedIn(request, principal));
            }
        }
        chain.doFilter(request, response);
    }
}
