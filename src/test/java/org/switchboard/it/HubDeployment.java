package org.switchboard.it;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchboard.it.support.ServerLogOnFailure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An Arquillian IT against the hub: runs the class with {@link ArquillianExtension} and deploys
 * {@link Deployments#hub(java.util.Map)} for it ({@code testable = false}: the tests are clients).
 * {@link HubDeploymentScenario} turns the annotation into the deployment, so the class declares no
 * {@code @Deployment} method of its own (it must not: two deployments of one WAR clash). A failed
 * test prints what the domain logged meanwhile ({@link ServerLogOnFailure}).
 * <p>
 * Inherited: {@link DeployedHub} carries the plain one, and a subclass that needs a different
 * deployment annotates itself, e.g. {@code @HubDeployment(config = "switchboard.limits.max-connections=3")}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
public @interface HubDeployment {

    /** Config properties, {@code key=value}, overlaid on it-config.properties (they win). */
    String[] config() default {};

    /** Arquillian's deployment name, for {@code Deployer} and {@code @OperateOnDeployment}. */
    String name() default "_DEFAULT_";

    /** {@code false}: deployed only when the test calls {@code Deployer.deploy(name)}. */
    boolean managed() default true;
}
