package org.switchboard.endpoint;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import org.switchboard.admin.Drain;
import org.switchboard.admin.HubMetrics;
import org.switchboard.connection.ConnectionCap;
import org.switchboard.connection.HandshakeShedding;
import org.switchboard.container.ContainerAdaptations;
import org.switchboard.container.ServletRequests;
import org.switchboard.container.UpgradeHandlers;
import org.switchboard.protocol.ProtocolVersion;
import org.switchboard.protocol.QueryParameters;
import org.switchboard.security.Admission;
import org.switchboard.security.HandshakeAuthenticator;
import org.switchboard.security.HubPrincipal;
import org.switchboard.security.WarmUpPass;

import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Refuses WebSocket upgrades the hub cannot serve before any socket is upgraded: HTTP 503 with
 * {@code Retry-After} when this member is draining, holds as many connections as it may
 * ({@link ConnectionCap}) or is too far behind to take one more now ({@link HandshakeShedding}),
 * HTTP 400 when only unknown protocol versions are offered, and what the {@link HandshakeAuthenticator}
 * refuses (401, 403, 429, or 400 for an unacceptable anonymous name). Browsers and other clients then
 * see a failed handshake with a readable reason instead of an open-then-close. An admitted handshake
 * goes on to Tyrus with its {@link HubPrincipal} as the request's user principal, which Tyrus hands
 * to the WebSocket session, and Tyrus' upgrade goes through the container adaptation's
 * {@link UpgradeHandlers} (no CDI managed object per handshake).
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    public static final String SUPPORTED_HEADER = "X-Switchboard-Protocols";

    /** Seconds a client refused for lack of room is asked to wait before it tries again. */
    static final int RETRY_AFTER_SECONDS = 5;
    /** Seconds a client shed while the member is behind is asked to wait: a backlog drains in well under that. */
    static final int BUSY_RETRY_AFTER_SECONDS = 1;

    @Inject
    HandshakeAuthenticator authenticator;
    @Inject
    ConnectionCap cap;
    @Inject
    HubMetrics metrics;
    @Inject
    Drain drain;
    @Inject
    HandshakeShedding shedding;
    @Inject
    WarmUpPass warmUp;
    @Inject
    ContainerAdaptations adaptations;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        if (drain.isDraining()) {
            metrics.refusedHandshake("draining");
            response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            reply(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "this member is draining (being restarted or taken "
                    + "out of service); connect to another member");
            return;
        }
        if (warmUp.isOpen()) {
            if (warmUp.admits(request)) {
                chain.doFilter(admitted(request, new HubPrincipal(WarmUpPass.identity(), request.getRemoteAddr())), response);
                return;
            }
            metrics.refusedHandshake("warming");
            response.setHeader("Retry-After", Integer.toString(BUSY_RETRY_AFTER_SECONDS));
            reply(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "this member is warming up after its start; retry in a moment");
            return;
        }
        if (!cap.admitsAnother()) {
            metrics.refusedFull();
            response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            reply(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "this member holds its maximum of " + cap.cap()
                    + " connections; retry later or connect to another member");
            return;
        }
        if (shedding.sheds(ServletRequests.innermost(request))) {
            metrics.refusedHandshake("busy");
            response.setHeader("Retry-After", Integer.toString(BUSY_RETRY_AFTER_SECONDS));
            reply(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "this member is busy; retry in a moment");
            return;
        }
        if (!QueryParameters.isWellFormed(request.getQueryString())) {
            metrics.refusedHandshake("query");
            refuse(response, "the query string is not valid percent-encoding (a '%' must start two hex digits)");
            return;
        }
        List<String> offered = new ArrayList<>(1);
        for (Enumeration<String> headers = request.getHeaders("Sec-WebSocket-Protocol"); headers.hasMoreElements(); ) {
            ProtocolVersion.addOffered(headers.nextElement(), offered);
        }
        if (ProtocolVersion.negotiate(offered) == null) {
            refuse(response, "unsupported protocol version " + offered + "; this hub speaks "
                    + String.join(", ", ProtocolVersion.SUPPORTED));
            return;
        }
        Admission admission = authenticator.admit(request);
        if (admission instanceof Admission.Refused refused) {
            metrics.refusedHandshake(refused.metric());
            if (refused.retryAfterSeconds() > 0) {
                response.setHeader("Retry-After", Integer.toString(refused.retryAfterSeconds()));
            }
            if (refused.challenge() != null) {
                response.setHeader("WWW-Authenticate", refused.challenge());
            }
            reply(response, refused.status(), refused.reason());
            return;
        }
        chain.doFilter(admitted(request, ((Admission.Admitted) admission).principal()), response);
    }

    /** The request Tyrus sees: with the admitted principal, upgraded by the container adaptation. */
    private HttpServletRequest admitted(HttpServletRequest request, HubPrincipal principal) {
        UpgradeHandlers upgrades = adaptations.upgradeHandlers();
        return new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }

            @Override
            public <T extends HttpUpgradeHandler> T upgrade(Class<T> type) throws IOException, ServletException {
                return type.cast(upgrades.upgrade((HttpServletRequest) getRequest(), type));
            }
        };
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
