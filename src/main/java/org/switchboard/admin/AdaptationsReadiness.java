package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.switchboard.container.AdaptationStatus;
import org.switchboard.container.ContainerAdaptations;

/**
 * The container adaptations' report at /health/ready. Always UP — a fallback is correct, only
 * slower or larger — but its data names every adaptation's state, so a probe or an operator sees
 * at once when a Payara upgrade has quietly degraded one.
 */
@Readiness
@ApplicationScoped
public class AdaptationsReadiness implements HealthCheck {

    @Inject
    ContainerAdaptations adaptations;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("switchboard-container-adaptations").up();
        for (AdaptationStatus status : adaptations.statuses()) {
            response.withData(status.name(), status.describe());
        }
        return response.build();
    }
}
