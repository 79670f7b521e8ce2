package org.switchboard.connection;

import java.util.ArrayList;
import java.util.List;

/**
 * A subscription that is reading its missed messages from history: the live messages of its
 * channel that arrive meanwhile wait here, so that when the stored ones have been queued the live
 * ones follow without a gap, and those the stored ones already covered are dropped. This switch
 * from stored to live is where a resume can lose or repeat messages.
 * <p>
 * A message is stored before any member delivers it, so the stored ones read may include some
 * that this member has not delivered yet: after the switch, live messages up to the last one sent
 * from the store are still dropped ({@link #covers}), until the first later one arrives.
 */
final class CatchUp {

    /** Live messages a subscription may hold back while it reads history; beyond that the client is too slow. */
    static final int MAX_HELD = 10_000;

    private record Held(long epoch, long seq, byte[] frame) {
    }

    private final List<Held> held = new ArrayList<>();
    private boolean switched;
    private long sentEpoch;
    private long sentSeq;

    boolean isHolding() {
        return !switched;
    }

    /** The stored messages up to {@code (epoch, lastSent)} have been queued: from now on only filter. */
    void switchedAt(long epoch, long lastSent) {
        switched = true;
        sentEpoch = epoch;
        sentSeq = lastSent;
        held.clear();
    }

    /** Whether a live message was already sent from the store. */
    boolean covers(long epoch, long seq) {
        return epoch == sentEpoch && seq <= sentSeq;
    }

    /** False when the buffer is full. */
    boolean hold(long epoch, long seq, byte[] frame) {
        if (held.size() >= MAX_HELD) {
            return false;
        }
        held.add(new Held(epoch, seq, frame));
        return true;
    }

    /** The held frames not covered by stored messages up to {@code (epoch, lastSent)}, in arrival order. */
    List<byte[]> after(long epoch, long lastSent) {
        List<byte[]> frames = new ArrayList<>(held.size());
        for (Held h : held) {
            if (h.epoch != epoch || h.seq > lastSent) {
                frames.add(h.frame);
            }
        }
        return frames;
    }
}
