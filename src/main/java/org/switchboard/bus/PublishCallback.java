package org.switchboard.bus;

/**
 * Answers one publication, exactly once: with the event as the bus confirmed it (its position, and
 * {@link HubEvent.Kind#DUPLICATE} for a retry already stored), or with why it was not published.
 */
@FunctionalInterface
public interface PublishCallback {

    void answered(HubEvent confirmed, Throwable failure);
}
