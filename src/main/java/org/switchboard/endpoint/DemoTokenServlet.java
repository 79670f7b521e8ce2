package org.switchboard.endpoint;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.switchboard.config.SecuritySettings;
import org.switchboard.security.DemoIssuer;
import org.switchboard.security.Identity;
import org.switchboard.security.TokenVerifier;
import org.switchboard.security.Tokens;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The demo's sign-in: {@code POST /demo/token} with {@code username} and {@code password} checks them
 * against the domain's realm ({@link HttpServletRequest#login}) and answers a short-lived token of the
 * {@link DemoIssuer}; with {@code Authorization: Bearer <demo token>} it renews that token. Answers 404
 * unless {@code switchboard.security.demo-issuer=enabled}: production deployments use their own
 * identity provider's tokens or the container login.
 */
@WebServlet(urlPatterns = "/demo/token")
public class DemoTokenServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(DemoTokenServlet.class.getName());

    @Inject
    Tokens tokens;
    @Inject
    SecuritySettings settings;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<DemoIssuer> issuer = tokens.demo();
        if (issuer.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        String authorization = request.getHeader("Authorization");
        String subject;
        List<String> groups;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String presented = authorization.substring(7).strip();
            try {
                if (!tokens.fromDemoIssuer(presented)) {
                    throw new TokenVerifier.InvalidToken("not a demo token");
                }
                Identity current = tokens.verify(presented);
                subject = current.subject();
                groups = new ArrayList<>(current.groups());
            } catch (TokenVerifier.InvalidToken e) {
                refuse(response, "invalid token");
                return;
            }
        } else {
            String username = request.getParameter("username");
            String password = request.getParameter("password");
            if (username == null || password == null || username.isBlank()) {
                refuse(response, "invalid credentials");
                return;
            }
            try {
                request.login(username, password);
            } catch (ServletException e) {
                LOG.fine(() -> "demo sign-in refused for " + username);
                refuse(response, "invalid credentials");
                return;
            }
            try {
                subject = request.getUserPrincipal().getName();
                groups = Arrays.stream(settings.containerRoles().split(",")).map(String::strip)
                        .filter(r -> !r.isEmpty() && request.isUserInRole(r)).toList();
            } finally {
                try {
                    request.logout();
                } catch (ServletException e) {
                    LOG.fine("demo logout failed: " + e);
                }
            }
        }
        Instant now = Instant.now();
        String token = issuer.get().issue(subject, groups, now);
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("token", token)
                .add("expiresAt", now.plusSeconds(issuer.get().ttlSeconds()).toEpochMilli())
                .add("subject", subject)
                .add("name", subject);
        write(response, HttpServletResponse.SC_OK, body);
    }

    private static void refuse(HttpServletResponse response, String error) throws IOException {
        write(response, HttpServletResponse.SC_UNAUTHORIZED, Json.createObjectBuilder().add("error", error));
    }

    private static void write(HttpServletResponse response, int status, JsonObjectBuilder body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.getWriter().write(body.build().toString());
    }
}
