package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.switchboard.cluster.MessageBus;

/** Ready only while this member is subscribed to the message topic (served at /health/ready). */
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
