package org.switchboard.it;

import org.jboss.arquillian.test.api.ArquillianResource;

import java.net.URL;

/**
 * Base of the Arquillian ITs that talk to the deployed hub: the deployment ({@link HubDeployment},
 * inherited; a subclass annotates itself to change it) and the hub's base URL,
 * {@code http://127.0.0.1:29080/switchboard/}.
 */
@HubDeployment
public abstract class DeployedHub {

    @ArquillianResource
    protected URL base;
}
