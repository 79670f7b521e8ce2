package org.switchboard.hub;

import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.admin.HubMetrics;
import org.switchboard.config.TestSettings;
import org.switchboard.connection.Connection;
import org.switchboard.connection.FrameSink;
import org.switchboard.connection.HubExecutors;
import org.switchboard.protocol.TextFrames;
import org.switchboard.security.Identity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HeartbeatTest {

    private final HubExecutors executors = HubExecutors.started(Executors.defaultThreadFactory());
    private final Heartbeat heartbeat = new Heartbeat();

    HeartbeatTest() {
        heartbeat.settings = TestSettings.withHeartbeatTimeout(1000);
        heartbeat.executors = executors;
        heartbeat.metrics = new HubMetrics();
    }

    @AfterEach
    void stop() {
        executors.stop();
    }

    @Test
    void aSilentClientStillReadingGetsItsCloseCodeBehindTheWriteInFlight() {
        HeldSink sink = new HeldSink();
        Connection connection = connection(sink);
        connection.send(TextFrames.of("{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(sink.pending).isNotNull();

        heartbeat.sweep(List.of(connection), System.nanoTime() + TimeUnit.SECONDS.toNanos(2));

        assertThat(connection.isClosing()).isTrue();
        assertThat(sink.inOrder).as("no close while a write is in flight").isNull();
        assertThat(sink.abrupt).isNull();
        sink.pending.written(null);
        assertThat(sink.inOrder).isNotNull();
        assertThat(sink.inOrder.getCloseCode().getCode()).isEqualTo(4002);
        assertThat(sink.abrupt).isNull();
    }

    @Test
    void aClientThatReadsNothingIsClosedAfterTheGrace() {
        HeldSink sink = new HeldSink();
        Connection connection = connection(sink);
        connection.send(TextFrames.of("{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8)));

        heartbeat.sweep(List.of(connection), System.nanoTime() + TimeUnit.SECONDS.toNanos(2));

        await().atMost(Duration.ofMillis(Heartbeat.CLOSE_GRACE_MS + 3000)).until(() -> sink.abrupt != null);
        assertThat(sink.abrupt.getCloseCode().getCode()).isEqualTo(4002);
        assertThat(sink.inOrder).isNull();
    }

    @Test
    void aClientHeardWithinTheTimeoutIsPingedNotClosed() {
        HeldSink sink = new HeldSink();
        Connection connection = connection(sink);

        heartbeat.sweep(List.of(connection), System.nanoTime());

        assertThat(sink.pings).isEqualTo(1);
        assertThat(connection.isClosing()).isFalse();
    }

    private static Connection connection(FrameSink sink) {
        Identity identity = new Identity("c", "c", Set.of("switchboard-user"), Map.of(), null, Identity.Source.TOKEN);
        return new Connection("c1", identity, sink, Runnable::run, 16, 65536, 100, c -> { });
    }

    /** Keeps the write in flight until the test completes it; records how the connection was closed. */
    private static final class HeldSink implements FrameSink {
        volatile Completion pending;
        volatile CloseReason inOrder;
        volatile CloseReason abrupt;
        volatile int pings;

        @Override
        public void sendAsync(byte[] frame, Completion done) {
            pending = done;
        }

        @Override
        public void ping() {
            pings++;
        }

        @Override
        public void close(CloseReason reason) {
            abrupt = reason;
        }

        @Override
        public void closeInOrder(CloseReason reason) {
            inOrder = reason;
        }

        @Override
        public void closeNow(CloseReason reason) {
            abrupt = reason;
        }
    }
}
