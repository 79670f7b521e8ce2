package org.switchboard.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;

import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Undeploying the application drains it: every connected client is told 1012 (service restart:
 * reconnect, to another member), spread over the drain window. The deployment is not managed (the
 * test deploys and undeploys it), so there is no base URL to inject.
 */
@HubDeployment(name = UndeployIT.NAME, managed = false, config = "switchboard.drain.window-ms=1000")
@Tag("adaptations-off")
class UndeployIT {

    static final String NAME = "undeployable";

    @ArquillianResource
    Deployer deployer;

    @Test
    void undeployTellsEveryClientServiceRestart() throws Exception {
        deployer.deploy(NAME);
        boolean undeployed = false;
        try {
            URL base = Deployments.baseUrl();
            try (HubClient alice = HubClient.connect(base, "alice");
                 HubClient bob = HubClient.connect(base, "bob")) {
                alice.subscribe("shutdown-test");
                alice.welcome();
                bob.welcome();
                deployer.undeploy(NAME);
                undeployed = true;
                assertThat(alice.awaitClose()).isEqualTo(1012);
                assertThat(bob.awaitClose()).isEqualTo(1012);
            }
        } finally {
            if (!undeployed) {
                deployer.undeploy(NAME);
            }
        }
    }
}
