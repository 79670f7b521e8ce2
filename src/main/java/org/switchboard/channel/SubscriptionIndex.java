package org.switchboard.channel;

import jakarta.enterprise.context.ApplicationScoped;
import org.switchboard.connection.Connection;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Channel → this member's subscribed connections; read on every delivery, so lock-free. */
@ApplicationScoped
public class SubscriptionIndex {

    private final Map<String, Set<Connection>> subscribers = new ConcurrentHashMap<>();

    public void add(String channel, Connection connection) {
        subscribers.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    public void remove(String channel, Connection connection) {
        subscribers.computeIfPresent(channel, (c, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    public Set<Connection> subscribers(String channel) {
        return subscribers.getOrDefault(channel, Set.of());
    }

    /** The channels with subscribers on this member now (a live view). */
    public Set<String> channels() {
        return subscribers.keySet();
    }

    public int channelCount() {
        return subscribers.size();
    }
}
