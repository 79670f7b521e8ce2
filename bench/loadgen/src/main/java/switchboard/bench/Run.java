package switchboard.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What all loops share during one scenario. */
final class Run {
    volatile boolean publishing;
    /** publications made while measuring carry seq >= 1; warm-up ones carry seq 0 */
    volatile boolean measuring;
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
    final ConcurrentHashMap<String, String> samples = new ConcurrentHashMap<>();

    void sample(String kind, String text) {
        if (samples.size() < 20) {
            samples.putIfAbsent(kind, text);
        }
    }
}
