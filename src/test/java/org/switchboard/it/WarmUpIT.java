package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.ServerLog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A member warms up on itself before it lets clients in: right after deployment a client is
 * refused with 503 and {@code Retry-After: 1} and readiness is DOWN ({@code warming}); the warm-up
 * makes its handshakes over real sockets (the URL comes from the domain, set by configure-domain.sh)
 * and reports them; afterwards clients connect, the warm-up's header opens nothing, and its
 * channels are no one else's.
 */
@HubDeployment(config = {"switchboard.warmup.handshakes=1000", "switchboard.warmup.max-seconds=120"})
class WarmUpIT extends DeployedHub {

    private static final Pattern DONE = Pattern.compile("Switchboard warm-up done: (\\d+) handshakes, (\\d+) messages delivered");

    @Test
    void clientsWaitForTheWarmUpWhichRunsOnTheMembersOwnEndpoint() throws Exception {
        assertThatThrownBy(() -> HubClient.connect(base, "early"))
                .as("a client while the member warms up")
                .isInstanceOf(CompletionException.class)
                .satisfies(e -> {
                    HttpResponse<?> refused = ((WebSocketHandshakeException) e.getCause()).getResponse();
                    assertThat(refused.statusCode()).isEqualTo(503);
                    assertThat(refused.headers().firstValue("Retry-After")).contains("1");
                    assertThat(String.valueOf(refused.body())).contains("warming up");
                });
        assertThat(readiness()).contains("\"warming\":\"true\"").contains("\"status\":\"DOWN\"");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> DONE.matcher(ServerLog.sinceDeployment()).find());
        Matcher done = DONE.matcher(ServerLog.sinceDeployment());
        assertThat(done.find()).isTrue();
        assertThat(Integer.parseInt(done.group(1))).isEqualTo(1000);
        assertThat(Integer.parseInt(done.group(2))).isEqualTo(10_000);
        assertThat(readiness()).contains("\"warming\":\"false\"");

        try (HubClient alice = HubClient.connect(base, "alice")) {
            assertThat(alice.welcome().getJsonObject("data").getString("name")).isEqualTo("alice");
            JsonObject reply = alice.call("subscribe", "switchboard-warm-up.anything", null);
            assertThat(HubClient.errorCode(reply)).as("a warm-up channel for a user").isEqualTo("forbidden");
            assertThat(alice.call("publish", "room", Json.createObjectBuilder().add("n", 1).build())).is(HubClient.OK);
        }
        // the header is worth nothing once the warm-up is over: no credentials, no entry
        assertThatThrownBy(() -> HubClient.connect(HubClient.endpoint(base, null), Map.of("X-Switchboard-Warm-Up", "00"), "switchboard.v1"))
                .isInstanceOf(CompletionException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401));
    }

    private String readiness() throws Exception {
        URI ready = URI.create("http://" + base.getHost() + ":" + base.getPort() + "/health/ready");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body().replace(" ", "");
    }
}
