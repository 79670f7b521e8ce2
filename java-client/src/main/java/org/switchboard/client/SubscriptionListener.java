package org.switchboard.client;

import jakarta.json.JsonObject;

/**
 * What a subscription tells its application, always on the client's own thread, one call at a
 * time: messages once each, in channel order; after a reconnect the missed ones first.
 */
public interface SubscriptionListener {

    void message(Message message);

    /** Messages that could not be delivered: see {@link Unrecovered}. */
    default void unrecovered(Unrecovered gap) {
    }

    /** The hub confirmed the subscription; {@code resumed} after a reconnect, {@code recovered} as the hub said. */
    default void subscribed(boolean resumed, Boolean recovered) {
    }

    default void join(JsonObject member) {
    }

    default void leave(JsonObject member) {
    }

    /** The hub refused the subscription (e.g. {@code forbidden}); it has ended. */
    default void error(SwitchboardException error) {
    }
}
