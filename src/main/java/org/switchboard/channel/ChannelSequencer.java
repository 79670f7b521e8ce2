package org.switchboard.channel;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers each channel's messages 1, 2, 3, … in the order the message topic delivers them to
 * this member. Called only from the topic consumer, whose single thread defines that order.
 */
@ApplicationScoped
public class ChannelSequencer {

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public long next(String channel) {
        return counters.computeIfAbsent(channel, c -> new AtomicLong()).incrementAndGet();
    }
}
