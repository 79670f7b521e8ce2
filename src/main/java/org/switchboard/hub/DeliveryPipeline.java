package org.switchboard.hub;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.PublishLedger;
import org.switchboard.channel.LocalDelivery;
import org.switchboard.connection.HubExecutors;
import org.switchboard.connection.WriteRound;
import org.switchboard.container.DirectBeans;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What this member does with each batch the message bus brings back, in this order: queue every
 * event's frame for the local subscribers of its channel, confirm this member's own publications
 * among them (their {@code ok} replies queue behind the echoes), then start the writes of every
 * queue the batch woke, together ({@link WriteRound}). The bus calls it from one thread at a time.
 */
@ApplicationScoped
public class DeliveryPipeline implements BatchHandler {

    private static final Logger LOG = Logger.getLogger(DeliveryPipeline.class.getName());

    @Inject
    LocalDelivery delivery;
    @Inject
    PublishLedger ledger;
    @Inject
    HubMetrics metrics;
    @Inject
    HubExecutors executors;

    private WriteRound round;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        delivery = DirectBeans.of(LocalDelivery.class);
        metrics = DirectBeans.of(HubMetrics.class);
    }

    /** Called by the lifecycle once the writer threads exist. */
    public void start() {
        round = new WriteRound(executors.writers(), executors.writerThreads());
    }

    @Override
    public void handle(List<HubEvent> batch) {
        try {
            int delivered = 0;
            for (HubEvent event : batch) {
                try {
                    delivered += delivery.deliver(event, round);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "dropping undeliverable event on " + event.channel(), e);
                }
            }
            metrics.delivered(delivered);
            for (HubEvent event : batch) {
                ledger.confirm(event);
            }
        } finally {
            round.start();
        }
    }
}
