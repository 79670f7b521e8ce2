package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.ApplicationMetrics;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.TestTokens;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.Handshakes.ownOrigin;
import static org.switchboard.it.support.Handshakes.refused;
import static org.switchboard.it.support.Handshakes.ws;
import static org.switchboard.it.support.HubClient.errorCode;
import static org.switchboard.it.support.HubClient.isOk;

/**
 * Authentication on the upgrade, the Origin policy, identity on the wire, the shipped channel rules,
 * and token refresh and expiry — against the real hub with real signed tokens ({@link TestTokens}).
 */
class SecurityIT extends DeployedHub {

    private static final Map<String, String> NONE = Map.of();

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Test
    void aHandshakeWithoutCredentialsIsRefusedWith401BeforeTheUpgrade() {
        HttpResponse<?> response = refused(ws(base), NONE);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void aTokenInTheHeaderIdentifiesTheClientAndItCannotChooseAnotherName() {
        try (HubClient alice = HubClient.connect(HubClient.endpoint(base, "mallory"), bearer(TestTokens.builder("alice-1")
                .name("Alice").sign()), "switchboard.v1")) {
            JsonObject data = alice.welcome().getJsonObject("data");
            assertThat(data.getString("user")).isEqualTo("alice-1");
            assertThat(data.getString("name")).as("the token's name claim, not ?name=").isEqualTo("Alice");
            assertThat(data.getJsonNumber("expiresAt").longValue()).isGreaterThan(System.currentTimeMillis());
        }
    }

    @Test
    void aBrowserPassesItsTokenAsASubprotocolAndTheHubNeverEchoesIt() {
        String token = TestTokens.token("sub-user");
        try (HubClient client = HubClient.connect(ws(base), Map.of("Origin", ownOrigin(base)), "switchboard.v1", "bearer." + token)) {
            assertThat(client.welcome().getJsonObject("data").getString("user")).isEqualTo("sub-user");
            assertThat(client.subprotocol()).isEqualTo("switchboard.v1");
        }
    }

    @Test
    void aTokenCookieWorksFromTheHubsOwnOriginButNotWithoutAnOrigin() {
        String cookie = "switchboard_token=" + TestTokens.builder("cookie-user").ec().sign();
        try (HubClient client = HubClient.connect(ws(base), Map.of("Origin", ownOrigin(base), "Cookie", cookie), "switchboard.v1")) {
            assertThat(client.welcome().getJsonObject("data").getString("user")).isEqualTo("cookie-user");
        }
        assertThat(refused(ws(base), Map.of("Cookie", cookie)).statusCode()).as("a cookie is ambient: no Origin, no entry").isEqualTo(403);
    }

    @Test
    void tokensTheHubMustNotTrustAreRefusedWith401() {
        Map<String, String> bad = Map.of(
                "wrong issuer", TestTokens.builder("x").issuer("https://evil.example").sign(),
                "wrong audience", TestTokens.builder("x").audience("someone-else").sign(),
                "expired beyond the clock skew", TestTokens.builder("x").expiresIn(Duration.ofMinutes(-5)).sign(),
                "unknown key", TestTokens.builder("x").foreignKey().sign(),
                "not a JWT", "not-a-jwt");
        bad.forEach((why, token) -> {
            HttpResponse<?> response = refused(ws(base), bearer(token));
            assertThat(response.statusCode()).as(why).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(why).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        });
    }

    @Test
    void aForeignOriginIsRefusedWith403EvenWithAValidToken() throws Exception {
        String token = TestTokens.token("victim");
        HttpResponse<?> response = refused(ws(base), Map.of("Origin", "http://intranet-attacker.example", "Authorization", "Bearer " + token));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(refused(ws(base), Map.of("Origin", "http://127.0.0.1:1")).statusCode()).isEqualTo(403);
        assertThat(ApplicationMetrics.text(base)).containsPattern("switchboard_handshakes_refused_total\\{[^}]*reason=\"origin\"[^}]*} [1-9]");
    }

    @Test
    void messagesAndPresenceNameTheAuthenticatedSender() {
        String channel = "sec-" + UUID.randomUUID();
        try (HubClient alice = HubClient.connect(base, "alice-w"); HubClient bob = HubClient.connect(base, "bob-w")) {
            assertThat(bob.subscribe(channel)).is(HubClient.OK);
            assertThat(alice.subscribe(channel)).is(HubClient.OK);
            assertThat(alice.call("publish", channel, Json.createValue("hi"))).is(HubClient.OK);
            JsonObject from = bob.awaitMessages(channel, 1).get(0).getJsonObject("from");
            assertThat(from.getString("user")).isEqualTo("alice-w");
            JsonObject presence = bob.call("presence", channel, null);
            assertThat(presence.getJsonObject("data").getJsonArray("members"))
                    .extracting(m -> m.asJsonObject().getString("user")).containsExactlyInAnyOrder("alice-w", "bob-w");
        }
    }

    @Test
    void theShippedRulesGiveEveryRuleKindItsAnswerAndADenialKeepsTheConnection() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        try (HubClient alice = HubClient.connect(ws(base), bearer(TestTokens.token("alice-" + id, "switchboard-user", "red")));
             HubClient bob = HubClient.connect(ws(base), bearer(TestTokens.token("bob-" + id)));
             HubClient admin = HubClient.connect(ws(base), bearer(TestTokens.token("admin-" + id, "switchboard-admin")))) {
            // owner by subject: user.{sub}.**
            assertThat(alice.subscribe("user.alice-" + id + ".inbox")).is(HubClient.OK);
            assertThat(errorCode(bob.call("subscribe", "user.alice-" + id + ".inbox", null))).isEqualTo("forbidden");
            // owner by group: team.{group}.**
            assertThat(alice.subscribe("team.red.chat")).is(HubClient.OK);
            assertThat(errorCode(bob.call("subscribe", "team.red.chat", null))).isEqualTo("forbidden");
            // role: restricted.** and admin.**
            assertThat(alice.call("publish", "restricted.ops", Json.createValue(1))).is(HubClient.OK);
            assertThat(errorCode(bob.call("publish", "restricted.ops", Json.createValue(1)))).isEqualTo("forbidden");
            assertThat(errorCode(bob.call("presence", "restricted.ops", null))).isEqualTo("forbidden");
            assertThat(errorCode(bob.call("history", "restricted.ops", null))).isEqualTo("forbidden");
            assertThat(admin.subscribe("admin.audit")).is(HubClient.OK);
            assertThat(errorCode(alice.call("subscribe", "admin.audit", null))).isEqualTo("forbidden");
            // anyone connected: everything else
            assertThat(bob.subscribe("lobby-" + id)).is(HubClient.OK);
            // a denial leaves the connection usable
            assertThat(bob.call("ping", null, null).getString("type")).isEqualTo("pong");
            assertThat(bob.isClosed()).isFalse();
        }
    }

    @Test
    void aConnectionIsWarnedBeforeItsTokenExpiresAndClosedWith4003WithoutARefresh() {
        try (HubClient client = HubClient.connect(ws(base), bearer(TestTokens.builder("short-lived").expiresIn(Duration.ofSeconds(3)).sign()))) {
            JsonObject expiring = client.await(e -> "expiring".equals(e.getString("type")));
            assertThat(expiring.getJsonObject("data").getJsonNumber("expiresAt").longValue())
                    .isEqualTo(client.welcome().getJsonObject("data").getJsonNumber("expiresAt").longValue());
            assertThat(client.awaitClose()).isEqualTo(4003);
        }
    }

    @Test
    void aRefreshWithTheSameSubjectKeepsTheConnectionAndAnotherSubjectIsRefused() {
        try (HubClient client = HubClient.connect(ws(base), bearer(TestTokens.builder("refresher").expiresIn(Duration.ofSeconds(4)).sign()))) {
            long oldExpiry = client.welcome().getJsonObject("data").getJsonNumber("expiresAt").longValue();
            client.await(e -> "expiring".equals(e.getString("type")));
            JsonObject other = client.call(Json.createObjectBuilder().add("type", "refresh").add("token", TestTokens.token("someone-else")));
            assertThat(errorCode(other)).isEqualTo("forbidden");
            JsonObject invalid = client.call(Json.createObjectBuilder().add("type", "refresh").add("token", "garbage"));
            assertThat(errorCode(invalid)).isEqualTo("invalid_token");
            JsonObject refreshed = client.call(Json.createObjectBuilder().add("type", "refresh").add("token", TestTokens.token("refresher")));
            assertThat(refreshed).is(HubClient.OK);
            assertThat(refreshed.getJsonObject("data").getJsonNumber("expiresAt").longValue()).isGreaterThan(oldExpiry + 60_000);
            // the old expiry passes: the connection must still be open and answering
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > oldExpiry + 1500);
            assertThat(client.call("ping", null, null).getString("type")).isEqualTo("pong");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void wssOnPayarasSelfSignedHttpsListenerWorks() throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[]{new TrustingSelfSigned()}, null);
        java.util.concurrent.CompletableFuture<String> welcome = new java.util.concurrent.CompletableFuture<>();
        URI wss = URI.create("wss://" + base.getHost() + ":" + (base.getPort() + 1) + base.getPath() + "ws");
        java.net.http.WebSocket socket = java.net.http.HttpClient.newBuilder().sslContext(tls).build().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TestTokens.token("tls-user")).subprotocols("switchboard.v1")
                .buildAsync(wss, new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                        welcome.complete(data.toString());
                        return null;
                    }
                }).get(30, java.util.concurrent.TimeUnit.SECONDS);
        try {
            assertThat(welcome.get(30, java.util.concurrent.TimeUnit.SECONDS)).contains("\"user\":\"tls-user\"");
        } finally {
            socket.abort();
        }
    }

    /** Trusts the IT domain's self-signed certificate (Payara's s1as), as a user who accepted it in the browser. */
    private static final class TrustingSelfSigned extends javax.net.ssl.X509ExtendedTrustManager {
        public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
        public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
        public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a, java.net.Socket s) { }
        public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a, java.net.Socket s) { }
        public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) { }
        public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) { }
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    @Test
    void aSignedInSessionOfTheWebApplicationConnectsAsItsPrincipal() throws Exception {
        java.net.CookieManager cookies = new java.net.CookieManager();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        URI account = base.toURI().resolve("account/");
        HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(account).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).as("FORM login page first").contains("j_security_check");
        HttpResponse<String> login = http.send(java.net.http.HttpRequest.newBuilder(base.toURI().resolve("j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("j_username=alice&j_password=alice-demo")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as("signed in, redirected back").isIn(302, 303);
        HttpResponse<String> signedIn = http.send(java.net.http.HttpRequest.newBuilder(account).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.body()).as("the page behind the login, as the browser follows the redirect").contains("Signed in");
        String session = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(c -> c.getName() + "=" + c.getValue()).findFirst().orElseThrow();
        try (HubClient client = HubClient.connect(ws(base), Map.of("Origin", ownOrigin(base), "Cookie", session), "switchboard.v1")) {
            JsonObject data = client.welcome().getJsonObject("data");
            assertThat(data.getString("user")).isEqualTo("alice");
            assertThat(data.containsKey("expiresAt")).as("a session has no token expiry").isFalse();
            assertThat(isOk(client.subscribe("restricted.ops"))).as("alice's realm group maps to switchboard-user").isTrue();
        }
        assertThat(refused(ws(base), Map.of("Origin", "http://intranet-attacker.example", "Cookie", session)).statusCode())
                .as("the session cookie from a foreign page").isEqualTo(403);
    }
}
