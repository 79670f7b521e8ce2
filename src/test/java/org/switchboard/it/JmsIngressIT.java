package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.ItDomain;
import org.switchboard.it.support.JmsPublisherExample;

/**
 * The JMS ingress, used the way a back end on the same domain uses it: the example application
 * (examples/jms-publisher) is deployed next to the hub and sends to {@code jms/switchboard/Publish};
 * the hub publishes what is valid (marked {@code from.connection = jms}), once per key, and
 * dead-letters the rest with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JmsIngressIT extends DeployedHub {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String EXAMPLE = JmsPublisherExample.NAME;

    @BeforeAll
    void deployExample() throws Exception {
        Path war = JmsPublisherExample.war();
        ItDomain.remote("deploy", "--force", "--contextroot", EXAMPLE, "--name", EXAMPLE, war.toString());
    }

    @AfterAll
    void undeployExample() throws Exception {
        ItDomain.remote("undeploy", EXAMPLE);
    }

    @Test
    void aBackEndsMessageReachesSubscribersMarkedAsComingFromJms() throws Exception {
        String channel = channel();
        try (HubClient listener = HubClient.connect(base, "listener")) {
            listener.subscribe(channel);
            assertThat(order(channel, "{\"order\":1}", null).statusCode()).isEqualTo(202);
            assertThat(order(channel, "{\"order\":2}", null).statusCode()).isEqualTo(202);

            List<JsonObject> got = listener.awaitMessages(channel, 2);
            assertThat(got).extracting(m -> m.get("data").toString()).containsExactly("{\"order\":1}", "{\"order\":2}");
            JsonObject from = got.get(0).getJsonObject("from");
            assertThat(from.getString("connection")).isEqualTo("jms");
            assertThat(from.getString("name")).isEqualTo("order-service");
            assertThat(from.getString("user")).isEqualTo("jms-ingress");
            assertThat(got.get(1).getJsonNumber("seq").longValue()).isEqualTo(got.get(0).getJsonNumber("seq").longValue() + 1);
        }
    }

    @Test
    void aRepeatedKeyIsPublishedOnce() throws Exception {
        String channel = channel();
        String key = UUID.randomUUID().toString();
        try (HubClient listener = HubClient.connect(base, "listener")) {
            listener.subscribe(channel);
            order(channel, "\"once\"", key);
            order(channel, "\"once\"", key);
            order(channel, "\"after\"", null);
            assertThat(listener.awaitMessages(channel, 2)).extracting(m -> m.get("data").toString())
                    .containsExactly("\"once\"", "\"after\"");
        }
    }

    @Test
    void whatCannotBePublishedIsDeadLetteredWithItsReasonAndNothingIsDelivered() throws Exception {
        String channel = channel();
        String restricted = "restricted." + channel;
        try (HubClient listener = HubClient.connect(base, "listener")) {
            listener.subscribe(channel);
            order(channel, "{not json", null);
            order("bad name", "1", null);
            order(restricted, "1", null); // the shipped rules give restricted.** to switchboard-user only
            order(channel, "\"good\"", null);

            // the valid one after the bad ones is delivered, and is the first message of the channel
            JsonObject first = listener.awaitMessages(channel, 1).get(0);
            assertThat(first.get("data").toString()).isEqualTo("\"good\"");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> deadLetters(channel, restricted).size() == 2 && deadLetters("bad name").size() >= 1);
            assertThat(deadLetters(channel)).extracting(d -> d.getString("reason")).containsExactly("malformed_json");
            assertThat(deadLetters(restricted)).extracting(d -> d.getString("reason")).containsExactly("forbidden");
            assertThat(deadLetters("bad name")).extracting(d -> d.getString("reason")).contains("invalid_channel");
        }
    }

    private HttpResponse<String> order(String channel, String body, String key) throws Exception {
        String query = "channel=" + java.net.URLEncoder.encode(channel, java.nio.charset.StandardCharsets.UTF_8)
                + (key == null ? "" : "&key=" + key);
        return HTTP.send(HttpRequest.newBuilder(example("orders?" + query)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonObject> deadLetters(String... channels) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(example("dead-letters")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        JsonArray all = Json.createReader(new StringReader(body)).readArray();
        List<String> wanted = List.of(channels);
        return all.getValuesAs(JsonObject.class).stream().filter(d -> wanted.contains(d.getString("channel"))).toList();
    }

    private URI example(String path) throws Exception {
        return base.toURI().resolve("/" + EXAMPLE + "/" + path);
    }

    private static String channel() {
        return "jms-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
