package org.switchboard.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.connection.HubExecutors;
import org.switchboard.protocol.CloseCodes;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The liveness sweeps over all connections. The heartbeat pings each, and closes (4002) any that
 * has sent nothing, pongs included, for longer than the timeout. The stalled-input sweep closes
 * (4004) any whose client stopped in the middle of a frame or a fragmented message for longer than
 * {@code switchboard.limits.frame-timeout-ms}: no pong can arrive inside an unfinished frame, but
 * the heartbeat timeout is generous, and a few hundred such sockets would hold connection budget
 * meanwhile. One task per sweep for all connections keeps the cost flat instead of one timer per
 * connection.
 * <p>
 * Both close behind the write in flight ({@link Connection#closeAfterDrain}): a client that is
 * alive but far behind in reading (the ping waits behind the data already on the socket) still gets
 * its close code instead of a connection that just ends (1006); a dead one is cut after the grace.
 */
@ApplicationScoped
public class Heartbeat {

    @Inject
    HubSettings settings;
    @Inject
    ConnectionRegistry registry;
    @Inject
    HubExecutors executors;
    @Inject
    HubMetrics metrics;

    private static final long MIN_STALL_SWEEP_MS = 100;
    static final long CLOSE_GRACE_MS = 2000;

    private ScheduledFuture<?> sweeps;
    private ScheduledFuture<?> stallSweeps;

    public synchronized void start() {
        long interval = settings.heartbeatIntervalMs();
        sweeps = executors.scheduler().scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.MILLISECONDS);
        long frameTimeout = settings.frameTimeoutMs();
        if (frameTimeout > 0) {
            long stallInterval = Math.max(MIN_STALL_SWEEP_MS, frameTimeout / 4);
            stallSweeps = executors.scheduler().scheduleWithFixedDelay(this::sweepStalledInput, stallInterval, stallInterval,
                    TimeUnit.MILLISECONDS);
        }
    }

    public synchronized void stop() {
        for (ScheduledFuture<?> task : new ScheduledFuture<?>[]{sweeps, stallSweeps}) {
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    void sweepStalledInput() {
        sweepStalledInput(registry.all(), System.nanoTime());
    }

    void sweepStalledInput(Iterable<Connection> connections, long now) {
        long timeoutMs = settings.frameTimeoutMs();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Connection connection : connections) {
            long since = connection.inputIncompleteSinceNanos();
            if (since != 0 && now - since > timeoutNanos && !connection.isClosing()
                    && connection.closeAfterDrain(CloseCodes.inputTimeout(timeoutMs), executors.scheduler(), CLOSE_GRACE_MS)) {
                metrics.inputTimeout();
            }
        }
    }

    void sweep() {
        sweep(registry.all(), System.nanoTime());
    }

    void sweep(Iterable<Connection> connections, long now) {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.heartbeatTimeoutMs());
        for (Connection connection : connections) {
            if (connection.isClosing()) {
                continue;
            }
            if (now - connection.lastHeardNanos() > timeoutNanos) {
                if (connection.closeAfterDrain(CloseCodes.heartbeatTimeout(), executors.scheduler(), CLOSE_GRACE_MS)) {
                    metrics.heartbeatTimeout();
                }
            } else {
                connection.ping();
            }
        }
    }
}
