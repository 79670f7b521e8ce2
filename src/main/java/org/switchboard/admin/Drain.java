package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.switchboard.connection.Connection;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.connection.HubExecutors;
import org.switchboard.protocol.CloseCodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Takes a member out of service without a reconnect storm: it refuses new handshakes (503 with
 * {@code Retry-After}, readiness DOWN) and tells its clients 1012 "service restart" one by one,
 * spread evenly over a window, so they reconnect to the other members at a steady rate rather than
 * in the same second. Run by an operator (admin API, MBean) and on every undeploy or shutdown.
 * The window ({@value #WINDOW_KEY}) is read when a drain starts, so a change applies at once.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());
    public static final String WINDOW_KEY = "switchboard.drain.window-ms";
    static final long DEFAULT_WINDOW_MS = 10_000;
    /** How long a told client's queued frames may take to go out before its close frame. */
    private static final long CLOSE_GRACE_MS = 2_000;

    @Inject
    ConnectionRegistry registry;
    @Inject
    HubExecutors executors;

    private volatile boolean draining;

    public boolean isDraining() {
        return draining;
    }

    public Duration window() {
        long ms = ConfigProvider.getConfig().getOptionalValue(WINDOW_KEY, Long.class).orElse(DEFAULT_WINDOW_MS);
        return Duration.ofMillis(Math.max(0, ms));
    }

    /**
     * Starts draining over {@link #window()}; returns how many connections will be told. Clients
     * that connect meanwhile are refused; a second call while draining tells nobody twice.
     */
    public synchronized int start() {
        draining = true;
        long windowMs = window().toMillis();
        List<Connection> told = new ArrayList<>(registry.all());
        told.removeIf(Connection::isClosing);
        Collections.shuffle(told);
        for (int i = 0; i < told.size(); i++) {
            Connection connection = told.get(i);
            long at = windowMs * i / told.size();
            executors.scheduler().schedule(() -> connection.closeAfterFlush(CloseCodes.serviceRestart(), executors.scheduler(),
                    CLOSE_GRACE_MS), at, TimeUnit.MILLISECONDS);
        }
        LOG.info("draining: refusing new connections, telling " + told.size() + " clients 1012 over " + windowMs + " ms");
        return told.size();
    }

    /** Accepts connections again (an operator's drain that is not followed by a stop). */
    public synchronized void stop() {
        if (draining) {
            draining = false;
            LOG.info("draining ended: accepting connections again");
        }
    }
}
