package org.switchboard.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import org.switchboard.config.HubSettings;

import javax.naming.InitialContext;
import javax.naming.NamingException;

/** Looks up the JMS connection factory, ingress queue and topic under the JNDI names given in config. */
@ApplicationScoped
public class JmsResources {

    @Inject
    HubSettings settings;

    public ConnectionFactory connectionFactory() {
        return lookup(settings.jmsConnectionFactory(), ConnectionFactory.class);
    }

    public Queue ingress() {
        return lookup(settings.jmsIngressQueue(), Queue.class);
    }

    public Topic topic() {
        return lookup(settings.jmsTopic(), Topic.class);
    }

    private static <T> T lookup(String name, Class<T> type) {
        try {
            return type.cast(new InitialContext().lookup(name));
        } catch (NamingException e) {
            throw new IllegalStateException("JMS resource '" + name + "' is missing: apply server-config/configure-domain.sh", e);
        }
    }
}
