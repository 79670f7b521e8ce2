package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.HubClient.errorCode;

/**
 * When the message topic cannot be reached, a publish is answered with {@code unavailable}
 * (never silently dropped, never hanging) and readiness reports the hub not ready. Here the
 * ingress queue's JNDI name points nowhere, which the hub cannot tell from a broker that is down.
 */
@HubDeployment(config = "switchboard.jms.ingress-queue=jms/switchboard/NoSuchQueue")
class UnavailableIT extends DeployedHub {

    @Test
    void publishIsAnsweredUnavailableAndReadinessIsDown() throws Exception {
        try (HubClient client = HubClient.connect(base, "client")) {
            client.subscribe("news");
            JsonObject reply = client.call("publish", "news", Json.createObjectBuilder().add("text", "lost?").build());
            assertThat(errorCode(reply)).isEqualTo("unavailable");
            assertThat(client.isClosed()).isFalse();
        }
        URI ready = URI.create("http://" + base.getHost() + ":" + base.getPort() + "/health/ready");
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("switchboard-message-topic").contains("DOWN");
    }
}
