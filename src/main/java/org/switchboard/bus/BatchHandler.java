package org.switchboard.bus;

import java.util.List;

/**
 * What a member does with the events the bus brings back: deliver them to local subscribers and
 * confirm this member's publications. Called from one thread at a time, in the bus's order.
 */
@FunctionalInterface
public interface BatchHandler {

    void handle(List<HubEvent> batch);

    /**
     * The bus was cut off and is carrying events again: whatever it may have missed meanwhile
     * should be caught up (from history) before the next batch. Called from the same thread.
     */
    default void resynchronise() {
    }
}
