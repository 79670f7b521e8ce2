package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.switchboard.bus.MessageBus;
import org.switchboard.cluster.SequencerLease;
import org.switchboard.history.HistoryService;
import org.switchboard.security.WarmUpPass;

/**
 * Ready only while this member is connected to the message bus in both directions and, where
 * channels keep history, can reach the history store (served at /health/ready). Without the store
 * live-only channels still work, but a load balancer should send new clients elsewhere.
 */
@Readiness
@ApplicationScoped
public class HubReadiness implements HealthCheck {

    @Inject
    MessageBus bus;
    @Inject
    HistoryService history;
    @Inject
    SequencerLease lease;
    @Inject
    Drain drain;
    @Inject
    WarmUpPass warmUp;

    @Override
    public HealthCheckResponse call() {
        boolean topic = bus.isReady();
        boolean store = history.isReady();
        boolean draining = drain.isDraining();
        boolean warming = warmUp.isOpen();
        return HealthCheckResponse.named("switchboard-message-topic").status(topic && store && !draining && !warming)
                .withData("topic", topic ? "UP" : "DOWN")
                .withData("history-store", store ? "UP" : "DOWN")
                .withData("draining", draining)
                .withData("warming", warming)
                .withData("numbers-messages", lease.isHeld())
                .build();
    }
}
