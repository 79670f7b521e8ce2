package org.switchboard.config;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where back ends' JMS publications come in and where the ones that cannot be published go. */
@ApplicationScoped
public class IngressSettings {

    @Inject
    @ConfigProperty(name = "switchboard.ingress.jms.enabled", defaultValue = "true")
    boolean jmsEnabled;

    @Inject
    @ConfigProperty(name = "switchboard.ingress.jms.queue", defaultValue = "jms/switchboard/Publish")
    String jmsQueue;

    @Inject
    @ConfigProperty(name = "switchboard.ingress.jms.dead-letter", defaultValue = "jms/switchboard/PublishDead")
    String jmsDeadLetter;

    @Inject
    @ConfigProperty(name = "switchboard.ingress.jms.principal", defaultValue = "jms-ingress")
    String jmsPrincipal;

    @Inject
    @ConfigProperty(name = "switchboard.ingress.jms.groups", defaultValue = "switchboard-publisher")
    String jmsGroups;

    public boolean jmsEnabled() {
        return jmsEnabled;
    }

    public String jmsQueue() {
        return jmsQueue;
    }

    public String jmsDeadLetter() {
        return jmsDeadLetter;
    }

    /** The subject the channel rules see for every JMS publication. */
    public String jmsPrincipal() {
        return jmsPrincipal;
    }

    public Set<String> jmsGroups() {
        return Arrays.stream(jmsGroups.split(",")).map(String::strip).filter(g -> !g.isEmpty()).collect(Collectors.toSet());
    }
}
