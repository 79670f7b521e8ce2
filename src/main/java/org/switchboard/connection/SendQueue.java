package org.switchboard.connection;

import org.switchboard.protocol.TextFrames;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Bounded, non-blocking outbound queue of one connection. At most one write is in flight; when it
 * completes, everything queued meanwhile goes out together in one WebSocket frame (envelopes
 * separated by newlines, up to a byte budget). Envelopes are queued as complete text frames
 * ({@link TextFrames}), built once by whoever sends the same envelope to many queues; one that
 * goes out alone is written as it is, shared by every queue it is on. A producer never waits: when the queue is full
 * {@link #offer} returns false and the caller decides (the hub closes the slow client).
 */
public final class SendQueue implements Runnable, FrameSink.Completion {

    // field updaters, not atomics: one queue per connection, and most connections are idle
    private static final AtomicIntegerFieldUpdater<SendQueue> SIZE = AtomicIntegerFieldUpdater.newUpdater(SendQueue.class, "size");
    private static final AtomicIntegerFieldUpdater<SendQueue> WRITING = AtomicIntegerFieldUpdater.newUpdater(SendQueue.class, "writing");

    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private volatile int size;
    private volatile int writing;
    private final FrameSink sink;
    private final java.util.concurrent.Executor writers;
    private final int capacity;
    private final int batchMaxBytes;
    private volatile boolean failed;
    private volatile Runnable afterWrite;
    private volatile Runnable afterFlush;

    /**
     * @param writers where an idle queue starts writing, so that a thread offering one envelope
     *                to many queues (the fan-out) only enqueues and the writes use every core
     */
    public SendQueue(FrameSink sink, java.util.concurrent.Executor writers, int capacity, int batchMaxBytes) {
        this.sink = sink;
        this.writers = writers;
        this.capacity = capacity;
        this.batchMaxBytes = batchMaxBytes;
    }

    /** Queues an envelope framed by {@link TextFrames#of}; false when the queue is full or the connection failed. */
    public boolean offer(byte[] envelope) {
        return offer(envelope, null);
    }

    /**
     * Like {@link #offer(byte[])}, but if this queue was idle its write starts when {@code round}
     * ends, not now ({@code null}: now).
     */
    public boolean offer(byte[] envelope, WriteRound round) {
        if (failed) {
            return false;
        }
        if (SIZE.incrementAndGet(this) > capacity) {
            SIZE.decrementAndGet(this);
            return false;
        }
        queue.add(envelope);
        if (WRITING.compareAndSet(this, 0, 1)) {
            if (round == null) {
                writers.execute(this);
            } else {
                round.add(this);
            }
        }
        return true;
    }

    public int size() {
        return size;
    }

    /** Starts writing on the writer pool; not for callers. */
    @Override
    public void run() {
        writeNext();
    }

    /**
     * Stops sending: drops what is queued and runs {@code then} once the write in flight (if any)
     * has been handed to the socket, so that a close frame sent by {@code then} is not stuck
     * behind it in the container's own write queue.
     */
    public void drainThen(Runnable then) {
        failed = true;
        queue.clear();
        size = 0;
        afterWrite = then;
        if (WRITING.compareAndSet(this, 0, 1)) {
            runAfterWrite();
        }
    }

    private void runAfterWrite() {
        Runnable then = afterWrite;
        afterWrite = null;
        if (then != null) {
            then.run();
        }
    }

    /**
     * Stops taking envelopes but sends what is queued, then runs {@code then}: the replies to a
     * client's earlier requests still reach it before the connection is closed.
     */
    public void flushThen(Runnable then) {
        failed = true;
        afterFlush = then;
        if (WRITING.compareAndSet(this, 0, 1)) {
            writeNext();
        }
    }

    private void runAfterFlush() {
        Runnable then = afterFlush;
        afterFlush = null;
        if (then != null) {
            then.run();
        }
    }

    private void writeNext() {
        while (true) {
            byte[] first = queue.poll();
            if (first == null) {
                if (afterFlush != null) {
                    runAfterFlush();
                }
                writing = 0;
                // a drain may have come while this queue was busy but had no write in flight (waiting
                // for its round to start): its close runs now, not when the grace timer fires
                if (afterWrite != null && WRITING.compareAndSet(this, 0, 1)) {
                    runAfterWrite();
                    return;
                }
                // an offer may have slipped in between poll() and the reset
                if (!queue.isEmpty() && WRITING.compareAndSet(this, 0, 1)) {
                    continue;
                }
                return;
            }
            int taken = 1;
            byte[] frame;
            byte[] next = queue.peek();
            int length = TextFrames.payloadLength(first);
            if (next == null || length + 1 + TextFrames.payloadLength(next) > batchMaxBytes) {
                frame = first;
            } else {
                byte[][] parts = new byte[8][];
                parts[0] = first;
                while (next != null && length + 1 + TextFrames.payloadLength(next) <= batchMaxBytes) {
                    next = queue.poll(); // the one peeked, unless drainThen cleared the queue meanwhile
                    if (next == null) {
                        break;
                    }
                    if (taken == parts.length) {
                        parts = Arrays.copyOf(parts, taken * 2);
                    }
                    parts[taken++] = next;
                    length += 1 + TextFrames.payloadLength(next);
                    next = queue.peek();
                }
                frame = TextFrames.joined(parts, taken, length);
            }
            SIZE.addAndGet(this, -taken);
            sink.sendAsync(frame, this);
            return;
        }
    }

    /** The sink's completion of the write in flight; not for callers. */
    @Override
    public void written(Throwable error) {
        if (afterWrite != null) {
            runAfterWrite();
            return;
        }
        if (error != null) {
            failed = true;
            queue.clear();
            size = 0;
            runAfterFlush();
            writing = 0;
            return;
        }
        writeNext();
    }
}
