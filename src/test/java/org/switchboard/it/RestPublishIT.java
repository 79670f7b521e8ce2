package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.TestTokens;

/**
 * Back ends publish over REST ({@code POST /api/channels/{channel}/messages}, {@code POST /api/publish}):
 * acknowledged with the position, in order with WebSocket publications, once per idempotency key,
 * authenticated by a bearer token or the realm's credentials, refused with the protocol's codes.
 */
class RestPublishIT extends DeployedHub {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aTokenCallerPublishesInOrderWithSocketsAndIsNamedAsTheSource() throws Exception {
        String channel = channel();
        try (HubClient listener = HubClient.connect(base, "listener");
             HubClient socket = HubClient.connect(base, "socket")) {
            listener.subscribe(channel);
            assertThat(socket.call("publish", channel, Json.createValue(1))).is(HubClient.OK);
            HttpResponse<String> rest = post("api/channels/" + channel + "/messages", "{\"data\":{\"n\":2}}", bearer("orders-service"));
            assertThat(socket.call("publish", channel, Json.createValue(3))).is(HubClient.OK);

            assertThat(rest.statusCode()).isEqualTo(200);
            JsonObject ack = json(rest.body());
            List<JsonObject> got = listener.awaitMessages(channel, 3);
            assertThat(got).extracting(m -> m.get("data").toString()).containsExactly("1", "{\"n\":2}", "3");
            JsonObject fromRest = got.get(1);
            assertThat(fromRest.getJsonNumber("seq").longValue()).isEqualTo(ack.getJsonNumber("seq").longValue());
            assertThat(fromRest.getJsonNumber("epoch").longValue()).isEqualTo(ack.getJsonNumber("epoch").longValue());
            assertThat(fromRest.getJsonObject("from").getString("connection")).isEqualTo("rest");
            assertThat(fromRest.getJsonObject("from").getString("user")).isEqualTo("orders-service");
            assertThat(got.get(2).getJsonNumber("seq").longValue()).isEqualTo(ack.getJsonNumber("seq").longValue() + 1);
        }
    }

    @Test
    void aRepeatedKeyIsAnsweredWithTheStoredPositionAndDeliveredOnce() throws Exception {
        String channel = channel();
        String key = UUID.randomUUID().toString();
        try (HubClient listener = HubClient.connect(base, "listener")) {
            listener.subscribe(channel);
            HttpResponse<String> first = post("api/channels/" + channel + "/messages", "{\"data\":\"once\"}",
                    bearer("batch-job"), "Idempotency-Key", key);
            HttpResponse<String> again = post("api/channels/" + channel + "/messages", "{\"data\":\"once\",\"key\":\"" + key + "\"}",
                    bearer("batch-job"));
            post("api/channels/" + channel + "/messages", "{\"data\":\"after\"}", bearer("batch-job"));

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(json(again.body()).getBoolean("duplicate", false)).isTrue();
            assertThat(json(again.body()).getJsonNumber("seq")).isEqualTo(json(first.body()).getJsonNumber("seq"));
            assertThat(listener.awaitMessages(channel, 2)).extracting(m -> m.get("data").toString())
                    .containsExactly("\"once\"", "\"after\"");
        }
    }

    @Test
    void realmCredentialsPublishAndChannelRulesApply() throws Exception {
        String channel = "restricted." + channel();
        HttpResponse<String> alice = post("api/channels/" + channel + "/messages", "{\"data\":1}", basic("alice", "alice-demo"));
        assertThat(alice.statusCode()).as(alice.body()).isEqualTo(200);

        HttpResponse<String> carol = post("api/channels/" + channel + "/messages", "{\"data\":1}", basic("carol", "carol-demo"));
        assertThat(carol.statusCode()).isEqualTo(403);
        assertThat(errorCode(carol)).isEqualTo("forbidden");

        HttpResponse<String> token = post("api/channels/" + channel + "/messages", "{\"data\":1}", bearer("no-groups"));
        assertThat(token.statusCode()).isEqualTo(403);
        HttpResponse<String> role = post("api/channels/" + channel + "/messages", "{\"data\":1}",
                "Bearer " + TestTokens.token("ops-bot", "switchboard-user"));
        assertThat(role.statusCode()).isEqualTo(200);
    }

    @Test
    void badRequestsGetTheDocumentedStatusAndCodeAndPublishNothing() throws Exception {
        String channel = channel();
        try (HubClient listener = HubClient.connect(base, "listener")) {
            listener.subscribe(channel);
            String path = "api/channels/" + channel + "/messages";

            HttpResponse<String> none = post(path, "{\"data\":1}", null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("Bearer", "Basic"));
            assertThat(post(path, "{\"data\":1}", "Bearer " + TestTokens.builder("x").foreignKey().sign()).statusCode()).isEqualTo(401);
            assertThat(post(path, "{\"data\":1}", basic("alice", "wrong")).statusCode()).isEqualTo(401);

            expect(post(path, "{\"data\":", bearer("b")), 400, "malformed_json");
            expect(post(path, "[1]", bearer("b")), 400, "malformed_json");
            expect(post(path, "{\"text\":1}", bearer("b")), 400, "missing_field");
            expect(post(path, "{\"data\":1,\"key\":\"\"}", bearer("b")), 400, "invalid_field");
            expect(post(path, "{\"data\":1,\"key\":7}", bearer("b")), 400, "invalid_field");
            expect(post("api/channels/bad%20name/messages", "{\"data\":1}", bearer("b")), 400, "invalid_channel");
            expect(post(path, "{\"data\":\"" + "x".repeat(70_000) + "\"}", bearer("b")), 413, "too_big");

            // nothing of the above was published: the next message is the channel's first
            assertThat(post(path, "{\"data\":\"first\"}", bearer("b")).statusCode()).isEqualTo(200);
            JsonObject first = listener.awaitMessages(channel, 1).get(0);
            assertThat(first.get("data").toString()).isEqualTo("\"first\"");
        }
    }

    @Test
    void aBatchIsPublishedInOrderWithOneResultPerMessage() throws Exception {
        String a = channel();
        String b = channel();
        try (HubClient listener = HubClient.connect(base, "listener")) {
            listener.subscribe(a);
            listener.subscribe(b);
            HttpResponse<String> response = post("api/publish", "{\"messages\":["
                    + "{\"channel\":\"" + a + "\",\"data\":1},"
                    + "{\"channel\":\"" + b + "\",\"data\":\"b\"},"
                    + "{\"channel\":\"bad name\",\"data\":0},"
                    + "{\"channel\":\"" + a + "\",\"data\":2},"
                    + "{\"channel\":\"" + a + "\",\"data\":3}]}", bearer("importer"));

            assertThat(response.statusCode()).isEqualTo(200);
            var results = json(response.body()).getJsonArray("results");
            assertThat(results).hasSize(5);
            assertThat(results.getJsonObject(2).getJsonObject("error").getString("code")).isEqualTo("invalid_channel");
            assertThat(List.of(0, 1, 3, 4)).allSatisfy(i -> assertThat(results.getJsonObject(i).getBoolean("ok")).isTrue());
            assertThat(listener.awaitMessages(a, 3)).extracting(m -> m.get("data").toString()).containsExactly("1", "2", "3");
            assertThat(listener.awaitMessages(b, 1)).extracting(m -> m.get("data").toString()).containsExactly("\"b\"");

            expect(post("api/publish", "{\"messages\":[]}", bearer("importer")), 400, "missing_field");
        }
    }

    @Test
    void theApiIsDescribedInOpenApi() throws Exception {
        HttpResponse<String> openapi = HTTP.send(HttpRequest.newBuilder(URI.create(root() + "openapi")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).contains("/switchboard", "/api/channels/{channel}/messages", "/api/publish", "Idempotency-Key");
    }

    private String root() {
        String url = base.toExternalForm();
        return url.substring(0, url.indexOf('/', "http://".length()) + 1);
    }

    private static String channel() {
        return "rest-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String bearer(String subject) {
        return "Bearer " + TestTokens.token(subject);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path, String body, String authorization, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.toURI().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(errorCode(response)).isEqualTo(code);
    }

    private static String errorCode(HttpResponse<String> response) {
        return json(response.body()).getJsonObject("error").getString("code");
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
