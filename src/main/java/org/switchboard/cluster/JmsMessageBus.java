package org.switchboard.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishCallback;
import org.switchboard.bus.PublishLedger;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.HubExecutors;
import org.switchboard.history.ChannelNumbering;
import org.switchboard.history.HistoryService;

/**
 * The message bus over Jakarta Messaging: members send events to the ingress queue (the
 * sequencer's own member hands them over directly), the sequencer numbers them and forwards them
 * to the topic and to its own member's delivery, and every member's own subscription to the topic
 * hands the other members' events to the hub's {@link BatchHandler}. Each part runs on its own
 * thread with long-lived JMS connections.
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
    SequencerLease lease;
    @Inject
    PublishLedger ledger;
    @Inject
    HistoryService history;
    @Inject
    Grid grid;

    private IngressSender sender;
    private PublicationRouter router;
    private TopicSubscriber subscriber;
    private Sequencer sequencer;
    private Thread[] threads;
    private volatile boolean running;

    @Override
    public synchronized void start(BatchHandler handler) {
        if (sender != null) {
            return;
        }
        BatchHandler oneAtATime = new OneAtATime(handler);
        String ownTag = "switchboard:" + grid.deploymentId();
        sequencer = new Sequencer(resources::connectionFactory, resources::ingress, resources::topic, lease.heldCheck(),
                executors::newThread, settings.publishQueue(), settings.publishTimeoutMs() / 2,
                new ChannelNumbering(history.store(), history.retention(), grid.deploymentId()),
                new BatchForwarding(grid.aloneCheck(), oneAtATime), ownTag);
        sender = new IngressSender(settings.publishQueue(), ledger, resources::connectionFactory, resources::ingress);
        router = new PublicationRouter(ledger, sequencer, sender::offer);
        subscriber = new TopicSubscriber(resources::connectionFactory, resources::topic, oneAtATime, ledger::reachable, ownTag);
        threads = new Thread[]{
                executors.newThread("switchboard-topic-subscriber", subscriber),
                executors.newThread("switchboard-sequencer", sequencer),
                executors.newThread("switchboard-ingress-sender", sender)};
        running = true;
        for (Thread thread : threads) {
            thread.start();
        }
    }

    @Override
    public void publish(HubEvent event, PublishCallback done) {
        if (!running) {
            ledger.refuse(ledger.open(event, done), new IllegalStateException("hub not running"));
            return;
        }
        router.publish(event, done);
    }

    @Override
    public void expireOverdue() {
        IngressSender s = sender;
        if (s != null) {
            s.expireOverdue();
        }
        ledger.expireOverdue();
    }

    @Override
    public boolean isReady() {
        return running && ledger.isUsable() && subscriber.isConnected();
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        sender.stop();
        subscriber.stop();
        sequencer.stop();
        for (Thread thread : threads) {
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ledger.failAll(new IllegalStateException("hub stopping"));
    }
}
