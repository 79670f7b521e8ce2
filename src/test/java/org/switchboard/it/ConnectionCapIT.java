package org.switchboard.it;

import jakarta.json.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.ApplicationMetrics;
import org.switchboard.it.support.HubClient;

import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A member that holds as many connections as it may refuses the next handshake with HTTP 503 and
 * {@code Retry-After}, before any upgrade; the connections it holds keep working, and a place
 * freed by a close is taken again.
 */
@HubDeployment(config = "switchboard.limits.max-connections=3")
@Tag("adaptations-off")
class ConnectionCapIT extends DeployedHub {

    @Test
    void theConnectionOverTheCapIsRefusedWith503AndTheOthersKeepWorking() throws Exception {
        try (HubClient alice = HubClient.connect(base, "alice");
             HubClient bob = HubClient.connect(base, "bob")) {
            HubClient carol = HubClient.connect(base, "carol");
            // the hub counts a connection once it is open, just before its welcome, not at the 101 the client has seen
            for (HubClient client : new HubClient[]{alice, bob, carol}) {
                assertThat(client.welcome()).isNotNull();
            }

            assertThatThrownBy(() -> HubClient.connect(base, "dave"))
                    .isInstanceOf(CompletionException.class)
                    .satisfies(e -> {
                        HttpResponse<?> refused = ((WebSocketHandshakeException) e.getCause()).getResponse();
                        assertThat(refused.statusCode()).isEqualTo(503);
                        assertThat(refused.headers().firstValue("Retry-After")).contains("5");
                    });
            assertThat(ApplicationMetrics.text(base)).containsPattern("switchboard_connections_refused_total(\\{[^}]*\\})? 1(\\.0)?\\b");

            bob.subscribe("room");
            assertThat(alice.call("publish", "room", Json.createObjectBuilder().add("n", 1).build())).is(HubClient.OK);
            assertThat(bob.awaitMessages("room", 1).get(0).getJsonObject("data").getInt("n")).isEqualTo(1);
            assertThat(carol.isClosed()).isFalse();

            carol.close();
            // the server forgets carol's connection when her close arrives; until then the member is still full
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        try (HubClient erin = HubClient.connect(base, "erin")) {
                            return erin.welcome() != null;
                        }
                    });
        }
    }
}
