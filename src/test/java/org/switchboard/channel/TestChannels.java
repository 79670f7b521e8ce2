package org.switchboard.channel;

import org.switchboard.config.HubSettings;

/** The channel beans wired by hand, for unit tests of the hub outside a container. */
public final class TestChannels {

    private TestChannels() {
    }

    public static LocalDelivery delivery(SubscriptionIndex subscriptions, HubSettings settings) {
        LocalDelivery delivery = new LocalDelivery();
        delivery.subscriptions = subscriptions;
        delivery.settings = settings;
        return delivery;
    }
}
