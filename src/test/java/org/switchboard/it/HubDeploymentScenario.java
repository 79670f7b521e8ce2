package org.switchboard.it;

import org.jboss.arquillian.container.test.api.DeploymentConfiguration;
import org.jboss.arquillian.container.test.spi.client.deployment.AutomaticDeployment;
import org.jboss.arquillian.test.spi.TestClass;
import org.switchboard.it.support.ServerLog;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Arquillian's automatic deployment for classes annotated {@link HubDeployment} (registered in
 * {@code META-INF/services}). Arquillian asks for it when it is about to deploy for a test class,
 * which is also where the server log is marked ({@link ServerLog#sinceDeployment()}).
 * <p>
 * Why not a static {@code @Deployment} method in a base class: Arquillian does find one in a
 * superclass, but a subclass's own {@code @Deployment} method does not hide it; both are
 * deployments, and two of one WAR (same name, same archive) make the class fail.
 */
public class HubDeploymentScenario implements AutomaticDeployment {

    @Override
    public DeploymentConfiguration generateDeploymentScenario(TestClass testClass) {
        HubDeployment hub = testClass.getJavaClass().getAnnotation(HubDeployment.class);
        if (hub == null) {
            return null;
        }
        ServerLog.markDeployment();
        return new DeploymentConfiguration.DeploymentContentBuilder(Deployments.hub(config(hub)))
                .withDeployment()
                .withName(hub.name())
                .withManaged(hub.managed())
                .withTestable(false)
                .build()
                .get();
    }

    private static Map<String, String> config(HubDeployment hub) {
        Map<String, String> config = new LinkedHashMap<>();
        for (String entry : hub.config()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@HubDeployment config entry is not key=value: " + entry);
            }
            config.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return config;
    }
}
