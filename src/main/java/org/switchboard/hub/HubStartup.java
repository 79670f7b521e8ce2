package org.switchboard.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.switchboard.cluster.JmsMessageBus;

import java.util.logging.Logger;

/** Starts the topic subscription and the heartbeat when the application starts. */
@ApplicationScoped
public class HubStartup {

    private static final Logger LOG = Logger.getLogger(HubStartup.class.getName());

    @Inject
    JmsMessageBus bus;
    @Inject
    Heartbeat heartbeat;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        bus.start();
        heartbeat.start();
        LOG.info("Switchboard started");
    }
}
