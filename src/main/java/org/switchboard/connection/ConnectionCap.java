package org.switchboard.connection;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.config.HubSettings;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.logging.Logger;

/**
 * How many connections this member takes before it refuses new ones. Every connection holds a
 * socket, and past the process's open-file limit Payara does not refuse cleanly: accepts fail,
 * its worker queue overflows and connections are dropped without a word while the log floods.
 * Refusing the handshake with HTTP 503 below that limit tells a client plainly to retry later or
 * elsewhere, and keeps the connections already held working.
 * <p>
 * {@code switchboard.limits.max-connections} sets the cap; 0 (the default) derives it from the
 * open-file limit, less {@value #FILE_RESERVE} files for everything else the server opens (about
 * 500 at rest: jars, logs, the broker, the admin listener). The count is of open connections, so
 * handshakes in progress at the same instant may overshoot it by a few; the reserve covers them.
 */
@ApplicationScoped
public class ConnectionCap {

    static final int FILE_RESERVE = 1000;

    private static final Logger LOG = Logger.getLogger(ConnectionCap.class.getName());

    @Inject
    HubSettings settings;
    @Inject
    ConnectionRegistry registry;

    private int cap;

    @PostConstruct
    void decide() {
        cap = effectiveCap(settings.maxConnections(), openFileLimit());
        LOG.info(cap == Integer.MAX_VALUE ? "Switchboard connection cap: none (open-file limit unknown)"
                : "Switchboard connection cap: " + cap + " connections on this member");
    }

    /** The configured cap, or the open-file limit less the reserve; unlimited when neither is known. */
    static int effectiveCap(int configured, long openFileLimit) {
        if (configured > 0) {
            return configured;
        }
        if (openFileLimit <= 0 || openFileLimit >= Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, openFileLimit - FILE_RESERVE);
    }

    private static long openFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** Whether one more connection fits. */
    public boolean admitsAnother() {
        return registry.count() < cap;
    }

    public int cap() {
        return cap;
    }
}
