package org.switchboard.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.RawWebSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heartbeat on a real socket, with a timeout short enough for a test. The other ITs keep the IT
 * configuration's longer one: on a starved box a client that merely falls a few seconds behind in
 * reading answers the ping that late, and would be cut for it.
 */
@Tag("adaptations-off")
@HubDeployment(config = "switchboard.heartbeat.timeout-ms=2000")
class HeartbeatIT extends DeployedHub {

    @Test
    void heartbeatClosesAPeerThatStopsAnsweringPings() throws Exception {
        try (RawWebSocket silent = RawWebSocket.connect(HubClient.endpoint(base, "silent"), 65536);
             HubClient healthy = HubClient.connect(base, "healthy")) {
            int pings = 0;
            int code;
            while (true) {
                RawWebSocket.Frame frame = silent.readFrame();
                if (frame.opcode() == RawWebSocket.PING) {
                    pings++;
                } else if (frame.opcode() == RawWebSocket.CLOSE) {
                    code = frame.closeCode();
                    break;
                }
            }
            assertThat(pings).isPositive();
            assertThat(code).isEqualTo(4002);
            // a client that answers pings (the JDK client does) outlives the timeout
            assertThat(healthy.isClosed()).isFalse();
            assertThat(healthy.call("ping", null, null).getString("type")).isEqualTo("pong");
        }
    }
}
