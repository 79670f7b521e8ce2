package org.switchboard.bus;

/**
 * The one path every event takes: to the member that numbers publications, and from there to
 * every member of the deployment (this one included), which hands it to its {@link BatchHandler}.
 * The hub owns the contract; {@code cluster.JmsMessageBus} implements it over Jakarta Messaging
 * (the default, and the cluster path) and {@link InMemoryMessageBus} within one JVM.
 */
public interface MessageBus {

    /** Starts carrying events; every event comes back to {@code handler}, one batch at a time, in one order. */
    void start(BatchHandler handler);

    /**
     * Hands the event on without blocking the caller. {@code done} runs once: with the event as it
     * came back sequenced (stored where its channel keeps history, and on its way to every member),
     * or with the reason it was not published within the publish timeout ({@link PublishLedger}).
     */
    void publish(HubEvent event, PublishCallback done);

    /** Answers, as timed out, this member's publications the bus has not confirmed in time. Called periodically. */
    void expireOverdue();

    /** Whether events can flow now in both directions. */
    boolean isReady();

    /** Stops carrying events; publications still waiting are answered as failed. */
    void stop();
}
