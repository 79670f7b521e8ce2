package switchboard.bench;

/**
 * A resume client's view of its one channel, kept across its connections (the first one and the
 * one that resumes): the last position it saw, and the checks on every message that follows —
 * same epoch, seq exactly one more than the last. Touched only by the loop thread of its current
 * connection; the main thread hands it over between phases through {@link Loop#call}.
 */
final class Track {
    final int channel;
    /** last position seen (0, 0: none yet) */
    long epoch;
    long seq;
    /** set for the reconnect: subscribe with since = (epoch, seq), and the seq that ends the missed messages */
    boolean resuming;
    long target;
    boolean replied;
    boolean caughtUp;
    boolean live;
    long caughtUpNs;
    long liveNs;

    Track(int channel) {
        this.channel = channel;
    }

    /** One message of the channel (a delivery to this client); marker: the live marker published after the reconnects. */
    void onMessage(Conn c, long msgEpoch, long msgSeq, boolean marker) {
        Run run = c.run;
        if (epoch == 0) {
            epoch = msgEpoch;
            seq = msgSeq;
        } else if (msgEpoch != epoch) {
            run.epochChanges.increment();
            run.sample("epoch-change", "client b" + c.index + ": epoch " + epoch + " -> " + msgEpoch + " at seq " + msgSeq);
            epoch = msgEpoch;
            seq = msgSeq;
        } else if (msgSeq == seq + 1) {
            seq = msgSeq;
        } else if (msgSeq <= seq) {
            run.duplicates.increment();
            run.sample("duplicate", "client b" + c.index + ": seq " + msgSeq + " after " + seq);
            return;
        } else {
            run.gaps.increment();
            run.gapMessages.add(msgSeq - seq - 1);
            run.sample("gap", "client b" + c.index + ": seq " + msgSeq + " after " + seq);
            seq = msgSeq;
        }
        if (!resuming) {
            return;
        }
        long now = System.nanoTime();
        if (!caughtUp && seq >= target) {
            caughtUp = true;
            caughtUpNs = now;
            c.loop.latency.recordValue(Math.max(1, (now - c.startNs) / 1000));
            run.caughtUp.increment();
        }
        if (marker && !live) {
            live = true;
            liveNs = now;
            if (!caughtUp) {
                run.sample("marker-early", "client b" + c.index + ": live marker at seq " + msgSeq + " before the missed ones up to " + target);
            }
            run.live.increment();
        }
    }
}
