package switchboard.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What all loops share during one scenario. */
final class Run {
    volatile boolean publishing;
    /** publications made while measuring carry seq >= 1; warm-up ones carry seq 0 */
    volatile boolean measuring;
    /**
     * Deliveries and acknowledgements count as measured only for seq above this: a scenario that
     * measures several windows in one run (publish-sat) raises it at each window's start, so
     * stragglers of the previous window are not counted in the next.
     */
    volatile long measuredFrom;
    /** nanoTime at which the publish phase's measured window started (slow deliveries are placed by send time from it) */
    volatile long measureStartNs;
    final AtomicLong seq = new AtomicLong();
    final LongAdder sentMeasured = new LongAdder();
    final LongAdder sentWarmup = new LongAdder();
    final LongAdder receivedMeasured = new LongAdder();
    final LongAdder receivedAll = new LongAdder();
    final LongAdder ready = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder closedByServer = new LongAdder();
    final LongAdder errorReplies = new LongAdder();
    final LongAdder publishBehind = new LongAdder();
    /** ok replies to publications sent with an id (publish-sat, resume): all, and measured ones */
    final LongAdder acked = new LongAdder();
    final LongAdder ackedMeasured = new LongAdder();
    /**
     * Set (storm's held connections): each measured publication's fate by its seq, so that a
     * refused publication that is delivered anyway, or an acknowledged one that is not, shows.
     */
    volatile Fates fates;

    /** Deliveries and refusals per measured seq; small (the storm's held publications, ~10^4). */
    static final class Fates {
        final ConcurrentHashMap<Long, LongAdder> deliveries = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Long, Long> refusedAfterUs = new ConcurrentHashMap<>();
        /** ok replies to them (the preparation's publications carry ids with small numbers too) */
        final LongAdder acked = new LongAdder();
    }
    /** resume: subscribe replies with recovered true / false or without it; continuity errors seen by the clients */
    final LongAdder recovered = new LongAdder();
    final LongAdder notRecovered = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder gapMessages = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder epochChanges = new LongAdder();
    final LongAdder caughtUp = new LongAdder();
    final LongAdder live = new LongAdder();
    final ConcurrentHashMap<String, String> samples = new ConcurrentHashMap<>();
    /**
     * Setup of the scenarios that publish: a handshake refused with 503 or 429 (the hub is full, or
     * sheds handshakes while its workers are behind, as right after a start) is tried again after
     * Retry-After x uniform[0.5, 1.5] s, as a client would, until publishing starts; off in
     * connections, where a refusal is a failure.
     */
    volatile boolean retryRefused;
    final LongAdder setupRefused = new LongAdder();

    void sample(String kind, String text) {
        if (samples.size() < 20) {
            samples.putIfAbsent(kind, text);
        }
    }
}
