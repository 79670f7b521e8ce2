package org.switchboard.endpoint;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.switchboard.admin.HubMetrics;
import org.switchboard.connection.ConnectionCap;
import org.switchboard.protocol.ProtocolVersion;
import org.switchboard.protocol.QueryParameters;
import org.switchboard.security.IdentityResolver;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

/**
 * Refuses WebSocket upgrades the hub cannot serve before any socket is upgraded: HTTP 503 with
 * {@code Retry-After} when this member holds as many connections as it may ({@link ConnectionCap}),
 * HTTP 400 when only unknown protocol versions are offered or the identity is unacceptable.
 * Browsers and other clients then see a failed handshake with a readable reason instead of an
 * open-then-close.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    public static final String SUPPORTED_HEADER = "X-Switchboard-Protocols";

    /** Seconds a client refused for lack of room is asked to wait before it tries again. */
    static final int RETRY_AFTER_SECONDS = 5;

    @Inject
    IdentityResolver identities;
    @Inject
    ConnectionCap cap;
    @Inject
    HubMetrics metrics;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        if (!cap.admitsAnother()) {
            metrics.refusedFull();
            response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            reply(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "this member holds its maximum of " + cap.cap()
                    + " connections; retry later or connect to another member");
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
        response.setHeader(SUPPORTED_HEADER, String.join(", ", ProtocolVersion.SUPPORTED));
        reply(response, HttpServletResponse.SC_BAD_REQUEST, reason);
    }

    private static void reply(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println(reason);
    }
}
