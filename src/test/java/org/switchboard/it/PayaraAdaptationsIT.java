package org.switchboard.it;

import jakarta.json.Json;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchboard.it.support.HubClient;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub's adaptations to Payara's internals (frame writer, handshake release, request trim)
 * find what they expect on the Payara the build ships: the trim, which is reached only through
 * the other two, reports itself active in the server log, and none of them reports a mismatch.
 * A connection served after the trim still works in both directions.
 */
@ExtendWith(ArquillianExtension.class)
class PayaraAdaptationsIT {

    private static final Path SERVER_LOG = Path.of(System.getProperty("payara.home", "target/payara6"),
            "glassfish", "domains", "switchboard-it", "logs", "server.log");
    private static final String ACTIVE = "Upgraded requests are trimmed";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.hub();
    }

    @ArquillianResource
    URL base;

    @Test
    void adaptationsAreActiveAndTrimmedConnectionsStillWork() throws IOException {
        assertThat(SERVER_LOG).exists();
        long from = Files.size(SERVER_LOG);
        String channel = "adapt-" + System.nanoTime();
        try (HubClient first = HubClient.connect(base, "first");
             HubClient second = HubClient.connect(base, "second")) {
            first.subscribe(channel);
            second.subscribe(channel);
            assertThat(HubClient.isOk(second.call("publish", channel, Json.createObjectBuilder().add("text", "after the trim").build()))).isTrue();
            assertThat(first.awaitMessages(channel, 1).get(0).getJsonObject("data").getString("text")).isEqualTo("after the trim");
            assertThat(first.call("ping", null, null).getString("type")).isEqualTo("pong");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> logSince(from).contains(ACTIVE));
        assertThat(logSince(from)).doesNotContain("not as expected");
    }

    private static String logSince(long from) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(SERVER_LOG.toFile(), "r")) {
            long length = file.length();
            if (length < from) {
                from = 0; // rotated
            }
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
