package org.switchboard.hub;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.channel.ChannelName;
import org.switchboard.channel.SubscriptionIndex;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.container.DirectBeans;
import org.switchboard.presence.PresenceRegistry;
import org.switchboard.protocol.ErrorCode;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Subscriptions and presence of connections, kept consistent: a connection is present on a
 * channel exactly while subscribed, and every change is announced on the message bus.
 */
@ApplicationScoped
public class ChannelService {

    private static final Logger LOG = Logger.getLogger(ChannelService.class.getName());

    @Inject
    HubSettings settings;
    @Inject
    SubscriptionIndex subscriptions;
    @Inject
    PresenceRegistry presence;
    @Inject
    MessageBus bus;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        settings = DirectBeans.of(HubSettings.class);
        subscriptions = DirectBeans.of(SubscriptionIndex.class);
    }

    /** Null when subscribed (or already was), otherwise why not. */
    public ErrorCode subscribe(Connection connection, String channel) {
        if (connection.isSubscribed(channel)) {
            return null;
        }
        if (!connection.addChannel(channel, settings.maxSubscriptions())) {
            return ErrorCode.TOO_MANY_SUBSCRIPTIONS;
        }
        subscriptions.add(channel, connection);
        if (presence.join(channel, connection.member())) {
            bus.publish(HubEvent.join(channel, connection.member()), (confirmed, failure) -> logFailure(failure));
        }
        return null;
    }

    public void unsubscribe(Connection connection, String channel) {
        if (!connection.removeChannel(channel)) {
            return;
        }
        subscriptions.remove(channel, connection);
        if (presence.leave(channel, connection.member())) {
            bus.publish(HubEvent.leave(channel, connection.member()), (confirmed, failure) -> logFailure(failure));
        }
    }

    public void unsubscribeAll(Connection connection) {
        for (String channel : connection.channels()) {
            unsubscribe(connection, channel);
        }
    }

    public boolean isValidName(String channel) {
        return ChannelName.isValid(channel, settings.channelMaxLength());
    }

    private static void logFailure(Throwable error) {
        if (error != null) {
            LOG.log(Level.FINE, "presence event not published: " + error);
        }
    }
}
