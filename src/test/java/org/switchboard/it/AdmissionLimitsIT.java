package org.switchboard.it;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.switchboard.it.support.ApplicationMetrics;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.TestTokens;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.Handshakes.refused;
import static org.switchboard.it.support.Handshakes.ws;

/** Abuse limits before the upgrade: connections per subject, handshakes per address (HTTP 429 + Retry-After). */
@HubDeployment(config = {"switchboard.security.handshakes-per-address=5", "switchboard.security.connections-per-subject=2"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionLimitsIT extends DeployedHub {

    private static Map<String, String> bearer(String subject) {
        return Map.of("Authorization", "Bearer " + TestTokens.token(subject));
    }

    @Test
    @Order(1)
    void aSubjectOverItsConnectionLimitGets429UntilOneOfItsConnectionsCloses() {
        HubClient first = HubClient.connect(ws(base), bearer("busy"));
        try (HubClient second = HubClient.connect(ws(base), bearer("busy"))) {
            first.welcome();
            second.welcome();
            HttpResponse<?> third = refused(ws(base), bearer("busy"));
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            first.close();
            HubClient again = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300))
                    .ignoreExceptions().until(() -> HubClient.connect(ws(base), bearer("busy")), c -> c != null);
            again.close();
        }
    }

    @Test
    @Order(2)
    void aFloodOfHandshakesFromOneAddressGets429WithRetryAfterAndIsCounted() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 30 && retryAfter == null; i++) {
            HttpResponse<?> response = refused(ws(base), Map.of("Authorization", "Bearer not-a-token"));
            statuses.add(response.statusCode());
            retryAfter = response.statusCode() == 429 ? response.headers().firstValue("Retry-After").orElse("missing") : null;
        }
        assertThat(statuses).as("bad tokens (401) until the bucket is empty, then 429").last().isEqualTo(429);
        assertThat(statuses).containsOnly(401, 429);
        assertThat(retryAfter).isEqualTo("1");
        assertThat(ApplicationMetrics.text(base)).containsPattern("switchboard_handshakes_refused_total\\{[^}]*reason=\"handshake_rate\"[^}]*} [1-9]");
        // the bucket refills: a well-behaved client gets in again
        HubClient later = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> HubClient.connect(ws(base), bearer("patient")), c -> c != null);
        later.close();
    }
}
