package org.switchboard.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchboard.it.support.HubClient;

import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

/** Undeploying the application tells every connected client 1001 (going away). */
@ExtendWith(ArquillianExtension.class)
class UndeployIT {

    private static final String NAME = "undeployable";

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.hub();
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void undeploySendsGoingAway() throws Exception {
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
                assertThat(alice.awaitClose()).isEqualTo(1001);
                assertThat(bob.awaitClose()).isEqualTo(1001);
            }
        } finally {
            if (!undeployed) {
                deployer.undeploy(NAME);
            }
        }
    }
}
