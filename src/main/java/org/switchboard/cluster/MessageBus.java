package org.switchboard.cluster;

import java.util.function.Consumer;

/**
 * The one path every event takes: to the message topic, from which every member (this one
 * included) delivers it to its own subscribers.
 */
public interface MessageBus {

    /**
     * Hands the event to the broker without blocking the caller. {@code done} runs once: with
     * null when the event has come back from the topic, sequenced (so it reached every member),
     * or with the reason it could not be confirmed within the publish timeout.
     */
    void publish(HubEvent event, Consumer<Throwable> done);

    /** Whether this member is currently connected to the topic in both directions. */
    boolean isReady();
}
