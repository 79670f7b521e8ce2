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
 * One periodic sweep over all connections: pings each, and closes (4002) any that has sent
 * nothing, pongs included, for longer than the timeout. One task for all connections keeps the
 * cost flat instead of one timer per connection.
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

    private ScheduledFuture<?> sweeps;

    public synchronized void start() {
        long interval = settings.heartbeatIntervalMs();
        sweeps = executors.scheduler().scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
    }

    void sweep() {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.heartbeatTimeoutMs());
        long now = System.nanoTime();
        for (Connection connection : registry.all()) {
            if (connection.isClosing()) {
                continue;
            }
            if (now - connection.lastHeardNanos() > timeoutNanos) {
                if (connection.close(CloseCodes.heartbeatTimeout())) {
                    metrics.heartbeatTimeout();
                }
            } else {
                connection.ping();
            }
        }
    }
}
