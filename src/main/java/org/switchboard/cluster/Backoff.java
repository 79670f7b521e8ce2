package org.switchboard.cluster;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter for reconnecting to the broker. */
final class Backoff {

    private final long minMs;
    private final long maxMs;
    private long currentMs;

    Backoff(long minMs, long maxMs) {
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.currentMs = minMs;
    }

    void reset() {
        currentMs = minMs;
    }

    /** Sleeps for the next delay; false if interrupted. */
    boolean pause() {
        long delay = ThreadLocalRandom.current().nextLong(minMs, currentMs + 1);
        currentMs = Math.min(maxMs, currentMs * 2);
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
