package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.ItDomain;
import org.switchboard.it.support.ServerLog;
import org.switchboard.it.support.TestTokens;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's side of one member: the admin REST API (role switchboard-admin only), the
 * {@code org.switchboard:type=Hub} MBean through the domain's real JMX connector, the audit log,
 * and draining (1012 to every client, 503 with Retry-After to new handshakes, readiness DOWN).
 */
@HubDeployment(config = "switchboard.drain.window-ms=500")
class AdminIT extends DeployedHub {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String ADMIN = TestTokens.token("root", "switchboard-admin");
    private static final String DRAIN_WINDOW = "switchboard.drain.window-ms";

    @Test
    void onlyTheAdminRoleMayUseTheApi() throws Exception {
        assertThat(call("GET", "member", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "member", TestTokens.token("mallory"), null).statusCode()).isEqualTo(403);
        assertThat(call("POST", "drain", TestTokens.token("mallory", "switchboard-publisher"), "").statusCode()).isEqualTo(403);
        HttpResponse<String> member = call("GET", "member", ADMIN, null);
        assertThat(member.statusCode()).isEqualTo(200);
        assertThat(json(member.body()).getBoolean("draining")).isFalse();
    }

    @Test
    void anAdminSeesConnectionsDisconnectsThemAndSendsSystemMessages() throws Exception {
        String channel = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 6);
        long logStart = ServerLog.end();
        try (HubClient a = HubClient.connect(base, alice);
             HubClient b = HubClient.connect(base, "bob")) {
            a.subscribe(channel);
            b.subscribe(channel);

            JsonArray found = json(call("GET", "connections?q=" + alice, ADMIN, null).body()).getJsonArray("connections");
            assertThat(found).hasSize(1);
            JsonObject seen = found.getJsonObject(0);
            assertThat(seen.getString("subject")).isEqualTo(alice);
            assertThat(seen.getJsonArray("channels").getString(0)).isEqualTo(channel);
            JsonArray channels = json(call("GET", "channels", ADMIN, null).body()).getJsonArray("channels");
            assertThat(channels.stream().map(JsonObject.class::cast).filter(c -> channel.equals(c.getString("channel"))))
                    .singleElement().satisfies(c -> {
                        assertThat(c.getInt("subscribers")).isEqualTo(2);
                        assertThat(c.getInt("clusterSubscribers")).isEqualTo(2);
                        assertThat(c.getJsonNumber("lastSeq").longValue()).isZero(); // nothing published yet
                    });
            String me = json(call("GET", "member", ADMIN, null).body()).getString("member");
            JsonArray members = json(call("GET", "members", ADMIN, null).body()).getJsonArray("members");
            assertThat(members.stream().map(JsonObject.class::cast).filter(m -> me.equals(m.getString("member"))))
                    .anySatisfy(m -> assertThat(m.getInt("connections")).isGreaterThanOrEqualTo(2));

            HttpResponse<String> sent = call("POST", "channels/" + channel + "/system-messages", ADMIN,
                    "{\"data\":{\"notice\":\"maintenance at 18:00\"}}");
            assertThat(sent.statusCode()).isEqualTo(200);
            JsonObject notice = b.awaitMessages(channel, 1).get(0);
            assertThat(notice.getJsonObject("data").getString("notice")).isEqualTo("maintenance at 18:00");
            assertThat(notice.getJsonObject("from").getString("connection")).isEqualTo("system");
            assertThat(notice.getJsonObject("from").getString("user")).isEqualTo("root");

            assertThat(call("DELETE", "connections/no-such-connection", ADMIN, null).statusCode()).isEqualTo(404);
            assertThat(call("DELETE", "connections/" + seen.getString("id"), ADMIN, null).statusCode()).isEqualTo(204);
            assertThat(a.awaitClose()).isEqualTo(4005);
            assertThat(json(call("GET", "connections?q=" + alice, ADMIN, null).body()).getJsonArray("connections")).isEmpty();
            assertThat(b.isClosed()).isFalse();
        }
        String audit = ServerLog.since(logStart);
        assertThat(audit).contains("SWITCHBOARD-AUDIT").contains("who=root action=disconnect target=connection:")
                .contains("action=system-message target=channel:" + channel);
    }

    @Test
    void aDrainTellsClients1012AndRefusesNewOnesUntilItEnds() throws Exception {
        try (HubClient a = HubClient.connect(base, "drained-a");
             HubClient b = HubClient.connect(base, "drained-b")) {
            a.welcome();
            b.welcome();
            HttpResponse<String> drain = call("POST", "drain", ADMIN, "");
            try {
                assertThat(drain.statusCode()).isEqualTo(200);
                assertThat(json(drain.body()).getInt("told")).isGreaterThanOrEqualTo(2);
                assertThat(a.awaitClose()).isEqualTo(1012);
                assertThat(b.awaitClose()).isEqualTo(1012);
                assertThatThrownBy(() -> HubClient.connect(base, "late")).isInstanceOf(CompletionException.class)
                        .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class, refused -> {
                            assertThat(refused.getResponse().statusCode()).isEqualTo(503);
                            assertThat(refused.getResponse().headers().firstValue("Retry-After")).isPresent();
                        });
                assertThat(HTTP.send(HttpRequest.newBuilder(base.toURI().resolve("/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            } finally {
                assertThat(call("DELETE", "drain", ADMIN, null).statusCode()).isEqualTo(204);
            }
        }
        try (HubClient again = HubClient.connect(base, "after-drain")) {
            assertThat(again.welcome().getString("type")).isEqualTo("welcome");
        }
    }

    /**
     * The drain window is read when a drain starts: a domain config property set with asadmin applies
     * without a restart, once Payara's config cache (60 s) lets it through.
     */
    @Test
    void aKeySetWithAsadminAppliesWithoutARestart() throws Exception {
        assertThat(json(call("GET", "member", ADMIN, null).body()).getInt("drainWindowMs")).isEqualTo(500);
        ItDomain.remote("set-config-property", "--source=domain", "--propertyName=" + DRAIN_WINDOW, "--propertyValue=777");
        try {
            Awaitility.await("the domain's value in force").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(call("GET", "member", ADMIN, null).body()).getInt("drainWindowMs") == 777);
        } finally {
            ItDomain.remote("delete-config-property", "--source=domain", "--propertyName=" + DRAIN_WINDOW);
        }
    }

    @Test
    void theMBeanShowsTheMemberAndActsThroughTheJmxConnector() throws Exception {
        int jmxPort = Integer.getInteger("switchboard.it.admin-port") + 38; // portbase + 86
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        String channel = "jmx-" + UUID.randomUUID().toString().substring(0, 8);
        try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                new String[]{"admin", System.getProperty("switchboard.it.admin-password")}));
             HubClient listener = HubClient.connect(base, "jmx-listener")) {
            listener.subscribe(channel);
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            ObjectName hub = new ObjectName("org.switchboard:type=Hub");
            assertThat((Integer) server.getAttribute(hub, "Connections")).isGreaterThanOrEqualTo(1);
            assertThat((Boolean) server.getAttribute(hub, "Draining")).isFalse();
            assertThat((Boolean) server.getAttribute(hub, "BusReady")).isTrue();

            String result = (String) server.invoke(hub, "systemMessage", new Object[]{channel, "{\"from\":\"jmx\"}"},
                    new String[]{String.class.getName(), String.class.getName()});
            assertThat(result).startsWith("published at ");
            JsonObject got = listener.awaitMessages(channel, 1).get(0);
            assertThat(got.getJsonObject("data").getString("from")).isEqualTo("jmx");
            assertThat(got.getJsonObject("from").getString("user")).isEqualTo("jmx:admin");

            int closed = (Integer) server.invoke(hub, "disconnectSubject", new Object[]{"jmx-listener"},
                    new String[]{String.class.getName()});
            assertThat(closed).isEqualTo(1);
            assertThat(listener.awaitClose()).isEqualTo(4005);
        }
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "api/admin/" + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
