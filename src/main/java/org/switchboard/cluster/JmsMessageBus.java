package org.switchboard.cluster;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.channel.LocalDelivery;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.HubExecutors;

import java.util.function.Consumer;

/**
 * The message bus over a Jakarta Messaging topic: one publisher and one subscriber per member,
 * each on its own thread with a long-lived context. Started with the application.
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

    private TopicPublisher publisher;
    private TopicSubscriber subscriber;
    private Thread publisherThread;
    private Thread subscriberThread;

    public synchronized void start() {
        if (publisher != null) {
            return;
        }
        publisher = new TopicPublisher(settings.publishQueue(), settings.publishTimeoutMs(),
                resources::connectionFactory, resources::topic);
        subscriber = new TopicSubscriber(resources::connectionFactory, resources::topic, delivery::deliver);
        publisherThread = executors.newThread("switchboard-topic-publisher", publisher);
        subscriberThread = executors.newThread("switchboard-topic-subscriber", subscriber);
        subscriberThread.start();
        publisherThread.start();
    }

    @Override
    public void publish(HubEvent event, Consumer<Throwable> done) {
        publisher.publish(event, done);
    }

    @Override
    public boolean isReady() {
        return publisher != null && subscriber.isConnected();
    }

    @PreDestroy
    synchronized void stop() {
        if (publisher == null) {
            return;
        }
        publisher.stop();
        subscriber.stop();
        join(publisherThread);
        join(subscriberThread);
    }

    private static void join(Thread thread) {
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
