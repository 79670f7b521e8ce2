package org.switchboard.cluster;

import org.switchboard.config.DirectBeans;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.channel.LocalDelivery;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.HubExecutors;
import org.switchboard.connection.WriteRound;

import java.util.function.Consumer;

/**
 * The message bus over Jakarta Messaging: members send events to the ingress queue (the elected
 * sequencer's own member hands them over directly), the sequencer numbers them and forwards them
 * to the topic, and every member's own subscription to the topic delivers them locally. Each
 * part runs on its own thread with long-lived JMS connections.
 */
@ApplicationScoped
public class JmsMessageBus implements MessageBus {

    @Inject
    HubSettings settings;
    @Inject
    JmsResources resources;
    @Inject
    HubExecutors executors;
    @Inject
    LocalDelivery delivery;
    @Inject
    LeaderLease lease;
    @Inject
    Grid grid;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        delivery = DirectBeans.of(LocalDelivery.class);
    }

    private IngressPublisher publisher;
    private TopicSubscriber subscriber;
    private Sequencer sequencer;
    private Thread[] threads;

    public synchronized void start() {
        if (publisher != null) {
            return;
        }
        sequencer = new Sequencer(resources::connectionFactory, resources::ingress, resources::topic, lease::isLeader,
                executors::newThread, settings.publishQueue(), settings.publishTimeoutMs());
        publisher = new IngressPublisher(grid.deploymentId(), settings.publishQueue(), settings.publishTimeoutMs(),
                resources::connectionFactory, resources::ingress, sequencer);
        // used by the subscriber thread only: a batch's echoes and the ok replies behind them start writing together
        WriteRound round = new WriteRound(executors.writers(), executors.writerThreads());
        subscriber = new TopicSubscriber(resources::connectionFactory, resources::topic, events -> {
            try {
                delivery.deliver(events, round);
                events.forEach(publisher::confirm);
            } finally {
                round.start();
            }
        }, publisher::brokerReachable);
        threads = new Thread[]{
                executors.newThread("switchboard-topic-subscriber", subscriber),
                executors.newThread("switchboard-sequencer", sequencer),
                executors.newThread("switchboard-ingress-publisher", publisher)};
        for (Thread thread : threads) {
            thread.start();
        }
        lease.start();
        executors.scheduler().scheduleWithFixedDelay(publisher::expireOverdue, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void publish(HubEvent event, Consumer<Throwable> done) {
        publisher.publish(event, done);
    }

    @Override
    public boolean isReady() {
        return publisher != null && publisher.isUsable() && subscriber.isConnected();
    }

    @PreDestroy
    synchronized void stop() {
        if (publisher == null) {
            return;
        }
        lease.release();
        publisher.stop();
        subscriber.stop();
        sequencer.stop();
        for (Thread thread : threads) {
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
