package org.switchboard.bus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers each channel's messages 1, 2, 3, … within one epoch. Owned by the sequencer, whose
 * single thread defines the order.
 */
public final class ChannelSequencer {

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public long next(String channel) {
        return counters.computeIfAbsent(channel, c -> new AtomicLong()).incrementAndGet();
    }
}
