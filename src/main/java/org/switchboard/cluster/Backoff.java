package org.switchboard.cluster;

import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Exponential backoff with full jitter for reconnecting to the broker. The loops that back off
 * stop on their own flag, never by interruption, so an interrupt (which only code we do not own
 * can send them) cuts one pause short and is logged: before, it ended the loop, and a member
 * could lose its subscription to the topic for good without a word in its log.
 */
final class Backoff {

    private static final Logger LOG = Logger.getLogger(Backoff.class.getName());

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

    /** Sleeps for the next delay. */
    void pause() {
        long delay = ThreadLocalRandom.current().nextLong(minMs, currentMs + 1);
        currentMs = Math.min(maxMs, currentMs * 2);
        sleep(delay);
    }

    /** Sleeps, or less if interrupted; the interrupt is reported and cleared, the caller goes on. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            LOG.warning(() -> Thread.currentThread().getName() + " interrupted while waiting to retry; it goes on until it is stopped");
        }
    }
}
