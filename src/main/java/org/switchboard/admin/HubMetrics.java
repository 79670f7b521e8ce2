package org.switchboard.admin;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.switchboard.channel.SubscriptionIndex;
import org.switchboard.connection.ConnectionRegistry;

/**
 * The hub's MicroProfile Metrics (served by Payara at /metrics in Prometheus format, counters
 * with a {@code _total} suffix): what an operator watches to see load and trouble.
 */
@ApplicationScoped
public class HubMetrics {

    @Inject
    MetricRegistry registry;
    @Inject
    ConnectionRegistry connections;
    @Inject
    SubscriptionIndex subscriptions;

    private Counter published;
    private Counter delivered;
    private Counter slowConsumers;
    private Counter heartbeatTimeouts;
    private Counter errors;
    private Counter refusedFull;

    @PostConstruct
    void register() {
        published = registry.counter("switchboard_published");
        delivered = registry.counter("switchboard_delivered");
        slowConsumers = registry.counter("switchboard_slow_consumer_closes");
        heartbeatTimeouts = registry.counter("switchboard_heartbeat_timeouts");
        errors = registry.counter("switchboard_error_replies");
        refusedFull = registry.counter("switchboard_connections_refused");
        registry.gauge("switchboard_connections", connections, ConnectionRegistry::count);
        registry.gauge("switchboard_channels", subscriptions, SubscriptionIndex::channelCount);
    }

    public void published() {
        published.inc();
    }

    public void delivered(int count) {
        delivered.inc(count);
    }

    public void slowConsumer() {
        slowConsumers.inc();
    }

    public void heartbeatTimeout() {
        heartbeatTimeouts.inc();
    }

    public void errorReply() {
        errors.inc();
    }

    /** A handshake refused because this member holds as many connections as it may. */
    public void refusedFull() {
        refusedFull.inc();
    }

}
