package org.switchboard.endpoint;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.switchboard.protocol.ProtocolVersion;
import org.switchboard.protocol.QueryParameters;
import org.switchboard.security.IdentityResolver;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

/**
 * Refuses WebSocket upgrades the hub cannot serve with a plain HTTP 400 before any socket is
 * upgraded: only unknown protocol versions offered, or an unacceptable identity. Browsers and
 * other clients then see a failed handshake with a readable reason instead of an open-then-close.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    public static final String SUPPORTED_HEADER = "X-Switchboard-Protocols";

    @Inject
    IdentityResolver identities;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        List<String> offered = Collections.list(request.getHeaders("Sec-WebSocket-Protocol")).stream()
                .flatMap(h -> ProtocolVersion.parseHeader(h).stream())
                .toList();
        if (ProtocolVersion.negotiate(offered) == null) {
            refuse(response, "unsupported protocol version " + offered + "; this hub speaks "
                    + String.join(", ", ProtocolVersion.SUPPORTED));
            return;
        }
        if (identities.resolve(QueryParameters.parse(request.getQueryString()), "pending").isEmpty()) {
            refuse(response, identities.rule());
            return;
        }
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletResponse response, String reason) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setHeader(SUPPORTED_HEADER, String.join(", ", ProtocolVersion.SUPPORTED));
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(reason);
    }
}
