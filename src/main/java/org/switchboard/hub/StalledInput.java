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
 * Closes (4004) connections whose client stopped sending in the middle of a frame or a fragmented
 * message for longer than {@code switchboard.limits.frame-timeout-ms}. The heartbeat cannot catch
 * them soon: a pong cannot arrive inside an unfinished frame, but the heartbeat timeout is
 * generous, and a few hundred such sockets would hold connection budget meanwhile. One sweep
 * for all connections, like the heartbeat's.
 */
@ApplicationScoped
public class StalledInput {

    private static final long MIN_SWEEP_MS = 100;

    @Inject
    HubSettings settings;
    @Inject
    ConnectionRegistry registry;
    @Inject
    HubExecutors executors;
    @Inject
    HubMetrics metrics;

    private ScheduledFuture<?> sweeps;

    public synchronized void start() {
        long timeout = settings.frameTimeoutMs();
        if (timeout <= 0) {
            return;
        }
        long interval = Math.max(MIN_SWEEP_MS, timeout / 4);
        sweeps = executors.scheduler().scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
    }

    void sweep() {
        long timeoutMs = settings.frameTimeoutMs();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long now = System.nanoTime();
        for (Connection connection : registry.all()) {
            long since = connection.inputIncompleteSinceNanos();
            if (since != 0 && now - since > timeoutNanos && !connection.isClosing()
                    && connection.close(CloseCodes.inputTimeout(timeoutMs))) {
                metrics.inputTimeout();
            }
        }
    }
}
