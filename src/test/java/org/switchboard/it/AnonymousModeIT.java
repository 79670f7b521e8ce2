package org.switchboard.it;

import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.ServerLog;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.Handshakes.ownOrigin;
import static org.switchboard.it.support.Handshakes.refused;
import static org.switchboard.it.support.HubClient.errorCode;

/** Anonymous mode, for demos and quick tests: a self-chosen name, a warning at start, and no more rights than anyone. */
@HubDeployment(config = "switchboard.security.anonymous=true")
class AnonymousModeIT extends DeployedHub {

    @Test
    void aBrowserPageConnectsUnderAChosenNameAndTheHubWarnsThatTheModeIsOn() throws Exception {
        try (HubClient client = HubClient.connect(HubClient.endpoint(base, "  Zoë "), Map.of("Origin", ownOrigin(base)), "switchboard.v1")) {
            var data = client.welcome().getJsonObject("data");
            assertThat(data.getString("name")).isEqualTo("Zoë");
            assertThat(data.containsKey("user")).as("nothing verified, no subject").isFalse();
            assertThat(client.subscribe("lobby")).is(HubClient.OK);
            assertThat(errorCode(client.call("subscribe", "restricted.ops", null))).as("anonymous is not a role").isEqualTo("forbidden");
        }
        assertThat(ServerLog.sinceDeployment()).contains("ANONYMOUS MODE IS ON");
    }

    @Test
    void anAnonymousClientWithoutOriginIsRefused() {
        assertThat(refused(HubClient.endpoint(base, "cli"), Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void anUndecodableQueryIsRefusedWith400BeforeTheUpgradeWithoutAStackTrace() throws Exception {
        Map<String, String> origin = Map.of("Origin", ownOrigin(base));
        for (String query : new String[]{"name=%ZZ", "name=a%", "x=%ZZ&name=ok"}) {
            assertThat(org.switchboard.it.support.Handshakes.rawStatusLine(base, query, origin)).as(query).startsWith("HTTP/1.1 400");
        }
        assertThat(ServerLog.sinceDeployment()).doesNotContain("Illegal hex characters");
    }

    @Test
    void anInvalidNameIsRefusedBeforeTheUpgrade() {
        Map<String, String> origin = Map.of("Origin", ownOrigin(base));
        assertThat(refused(HubClient.endpoint(base, "x".repeat(65)), origin).statusCode()).isEqualTo(400);
        assertThat(refused(HubClient.endpoint(base, "a\u0007b"), origin).statusCode()).isEqualTo(400);
        assertThat(refused(HubClient.endpoint(base, "ab\u0007"), origin).statusCode()).as("a trailing control character").isEqualTo(400);
        assertThat(refused(HubClient.endpoint(base, "\ud83d\ude00".repeat(65)), origin).statusCode()).as("65 code points").isEqualTo(400);
    }

    @Test
    void namesCountCodePointsAndLoseUnicodeWhiteSpace() {
        Map<String, String> origin = Map.of("Origin", ownOrigin(base));
        String emoji = "\ud83d\ude00".repeat(64);
        try (HubClient client = HubClient.connect(HubClient.endpoint(base, emoji), origin, "switchboard.v1")) {
            assertThat(client.welcome().getJsonObject("data").getString("name")).as("64 astral characters").isEqualTo(emoji);
        }
        try (HubClient client = HubClient.connect(HubClient.endpoint(base, "\u00a0Zoë\u3000"), origin, "switchboard.v1")) {
            assertThat(client.welcome().getJsonObject("data").getString("name")).as("NBSP and U+3000 trimmed").isEqualTo("Zoë");
        }
    }
}
