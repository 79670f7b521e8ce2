package org.switchboard.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.switchboard.cluster.JmsMessageBus;
import org.switchboard.connection.ConnectionCap;
import org.switchboard.presence.PresenceJanitor;

import java.util.logging.Logger;

/** Starts the message bus, the presence janitor and the heartbeat when the application starts. */
@ApplicationScoped
public class HubStartup {

    private static final Logger LOG = Logger.getLogger(HubStartup.class.getName());

    @Inject
    JmsMessageBus bus;
    @Inject
    Heartbeat heartbeat;
    @Inject
    PresenceJanitor janitor;
    @Inject
    ConnectionCap cap;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        janitor.start();
        bus.start();
        heartbeat.start();
        cap.cap(); // decided and logged now, not at the first handshake
        LOG.info("Switchboard started");
    }
}
