package org.switchboard.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.switchboard.config.SecuritySettings;
import org.switchboard.protocol.ProtocolVersion;
import org.switchboard.protocol.QueryParameters;

import java.security.Principal;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Decides who a WebSocket handshake is before the socket is upgraded, so a refused client sees an
 * HTTP status and never a half-open socket. In order: the per-address handshake rate (429); the
 * {@code Origin} (403: not on the allow-list, or absent without a bearer token); the credential —
 * a bearer JWT (the {@code Authorization} header, a {@code bearer.<jwt>} subprotocol, or a cookie),
 * else the web application's own login (an authenticated HTTP session), else an anonymous name when
 * anonymous mode is on (401 otherwise); then the connections the address and the subject hold (429).
 */
@ApplicationScoped
public class HandshakeAuthenticator {

    /** The subprotocol prefix a browser uses to pass its token: {@code new WebSocket(url, ["switchboard.v1", "bearer." + jwt])}. */
    public static final String SUBPROTOCOL_PREFIX = "bearer.";
    static final String CHALLENGE = "Bearer realm=\"switchboard\"";

    private static final Logger LOG = Logger.getLogger(HandshakeAuthenticator.class.getName());

    @Inject
    SecuritySettings settings;
    @Inject
    Tokens tokens;

    private OriginPolicy origins;
    private AdmissionLimits limits;
    private List<String> containerRoles;

    @PostConstruct
    void start() {
        origins = new OriginPolicy(settings.allowedOrigins());
        limits = new AdmissionLimits(settings.handshakesPerAddress(), settings.connectionsPerAddress(),
                settings.connectionsPerSubject());
        containerRoles = Arrays.stream(settings.containerRoles().split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /** Logs the authentication modes at start; anonymous mode gets a warning every start. */
    public void report() {
        LOG.info(() -> "Handshake security: " + tokens.describe() + "; container login accepted; origins: own"
                + (settings.allowedOrigins().isEmpty() ? "" : " + " + settings.allowedOrigins())
                + "; limits: " + settings.handshakesPerAddress() + " handshakes/s per address, "
                + settings.connectionsPerAddress() + " connections per address, "
                + settings.connectionsPerSubject() + " per subject (0 = none)");
        if (settings.anonymous()) {
            LOG.warning("ANONYMOUS MODE IS ON (switchboard.security.anonymous=true): clients without credentials connect "
                    + "under any name they choose. For demos and tests only; turn it off for any real deployment.");
        }
        if (settings.allowedOrigins().equals("*")) {
            LOG.warning("switchboard.security.allowed-origins=* : any web page may open sockets with its visitors' credentials");
        }
    }

    public Admission admit(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        AdmissionLimits.Exceeded rate = limits.handshake(address, System.nanoTime());
        if (rate != null) {
            return tooMany(rate);
        }
        Credential credential = credential(request);
        SignedInUser session = credential == null ? signedIn(request) : null;
        String origin = request.getHeader("Origin");
        if (origin != null) {
            if (!origins.allows(origin, request.getScheme(), request.getHeader("Host"))) {
                return new Admission.Refused(403, "origin " + printable(origin) + " is not allowed to connect to this hub",
                        0, null, "origin");
            }
        } else if (credential != null ? credential.from() == Credential.From.COOKIE
                : session != null || settings.anonymous()) {
            return new Admission.Refused(403, "a client that sends no Origin header must present a bearer token "
                    + "(Authorization: Bearer ...)", 0, null, "origin");
        }
        Identity identity;
        if (credential != null) {
            try {
                identity = tokens.verify(credential.token());
            } catch (TokenVerifier.InvalidToken e) {
                return new Admission.Refused(401, e.getMessage(), 0, CHALLENGE + ", error=\"invalid_token\"", "token");
            }
        } else if (session != null) {
            identity = new Identity(session.subject(), DisplayNames.fromClaims(session.subject()), session.roles(), Map.of(), null,
                    Identity.Source.CONTAINER);
        } else if (settings.anonymous()) {
            List<String> names = QueryParameters.parse(request.getQueryString()).get("name");
            String name = null;
            if (names != null && !names.isEmpty()) {
                name = DisplayNames.valid(names.get(0));
                if (name == null) {
                    return new Admission.Refused(400, DisplayNames.rule(), 0, null, "name");
                }
            }
            identity = Identity.anonymous(name);
        } else {
            return new Admission.Refused(401, "authentication required: a bearer token (Authorization header, "
                    + "'bearer.<token>' subprotocol or cookie) or a signed-in session", 0, CHALLENGE, "unauthenticated");
        }
        AdmissionLimits.Exceeded room = limits.room(address, identity.subject());
        if (room != null) {
            return tooMany(room);
        }
        return new Admission.Admitted(new HubPrincipal(identity, address));
    }

    /** The container login of this request or of its HTTP session; null when there is none. */
    private SignedInUser signedIn(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        if (principal != null) {
            return signedIn(request, principal);
        }
        jakarta.servlet.http.HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(SignedInUser.ATTRIBUTE) instanceof SignedInUser user ? user : null;
    }

    /** The principal of a request the container authenticated, with the hub's roles it is in. */
    public SignedInUser signedIn(HttpServletRequest request, Principal principal) {
        Set<String> roles = containerRoles.stream().filter(request::isUserInRole).collect(Collectors.toSet());
        return new SignedInUser(principal.getName(), roles);
    }

    private static Admission tooMany(AdmissionLimits.Exceeded exceeded) {
        return new Admission.Refused(429, "too many " + exceeded.words() + "; retry later",
                AdmissionLimits.retryAfterSeconds(exceeded), null, exceeded.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Counts an upgraded connection against its address and subject. */
    public void opened(HubPrincipal principal) {
        limits.opened(principal.address(), principal.identity().subject());
    }

    public void closed(String address, String subject) {
        limits.closed(address, subject);
    }

    record Credential(String token, From from) {
        enum From { HEADER, SUBPROTOCOL, COOKIE }
    }

    private Credential credential(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Credential(authorization.substring(7).strip(), Credential.From.HEADER);
        }
        for (String header : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String offered : header.split(",")) {
                String p = offered.strip();
                if (p.startsWith(SUBPROTOCOL_PREFIX) && !ProtocolVersion.SUPPORTED.contains(p)) {
                    return new Credential(p.substring(SUBPROTOCOL_PREFIX.length()), Credential.From.SUBPROTOCOL);
                }
            }
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(settings.tokenCookie())) {
                    return new Credential(cookie.getValue(), Credential.From.COOKIE);
                }
            }
        }
        return null;
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? "'" + cut + "'" : "(not printable)";
    }
}
