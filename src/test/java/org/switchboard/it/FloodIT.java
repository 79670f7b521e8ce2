package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.HubClient.errorCode;
import static org.switchboard.it.support.HubClient.isOk;

/** A publisher that floods is rate limited; everybody else's messages are untouched. */
@HubDeployment(config = "switchboard.limits.publish-per-second=20")
@Tag("adaptations-off")
class FloodIT extends DeployedHub {

    @Test
    void floodingPublisherGetsRateLimitedAndOthersAreUnharmed() {
        String channel = "flood-" + System.nanoTime();
        try (HubClient flooder = HubClient.connect(base, "flooder");
             HubClient calm = HubClient.connect(base, "calm");
             HubClient listener = HubClient.connect(base, "listener")) {
            listener.subscribe(channel);
            int flood = 500;
            String last = null;
            for (int i = 0; i < flood; i++) {
                last = flooder.request("publish", channel, Json.createObjectBuilder().add("flood", i).build());
            }
            flooder.reply(last);
            List<JsonObject> replies = flooder.awaitCount(e -> "reply".equals(e.getString("type")), flood);
            long accepted = replies.stream().filter(HubClient::isOk).count();
            List<JsonObject> limited = replies.stream().filter(r -> !isOk(r)).toList();
            assertThat(limited).isNotEmpty().allSatisfy(r -> assertThat(errorCode(r)).isEqualTo("rate_limited"));
            assertThat(accepted).isGreaterThanOrEqualTo(20).isLessThan(flood);

            // the calm client's publications all go through and the listener gets exactly the
            // accepted flood messages plus the calm ones
            for (int i = 0; i < 5; i++) {
                assertThat(calm.call("publish", channel, Json.createObjectBuilder().add("calm", i).build())).is(HubClient.OK);
            }
            List<JsonObject> received = listener.awaitMessages(channel, (int) accepted + 5);
            assertThat(received).hasSize((int) accepted + 5);
            assertThat(received.stream().filter(m -> m.getJsonObject("data").containsKey("calm")).count()).isEqualTo(5);
            // still connected and still allowed to publish once the bucket refills
            assertThat(flooder.isClosed()).isFalse();
        }
    }
}
