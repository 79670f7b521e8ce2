package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.switchboard.bus.MessageBus;

/** Ready only while this member is connected to the message bus in both directions (served at /health/ready). */
@Readiness
@ApplicationScoped
public class HubReadiness implements HealthCheck {

    @Inject
    MessageBus bus;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("switchboard-message-topic").status(bus.isReady()).build();
    }
}
