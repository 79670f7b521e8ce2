package org.switchboard.connection;

import jakarta.websocket.CloseReason;
import org.switchboard.protocol.FrameEncoder;
import org.switchboard.protocol.Member;
import org.switchboard.protocol.ServerFrame;
import org.switchboard.security.Identity;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One client connection: who it is, what it is subscribed to and its outbound queue. Anything
 * that wants to reach the client goes through {@link #send}, which never blocks.
 */
public final class Connection {

    private final String id;
    private final Identity identity;
    private final Member member;
    private final FrameSink sink;
    private final SendQueue queue;
    private final RateLimiter publishLimiter;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Consumer<Connection> onOverflow;
    private volatile long lastHeardNanos = System.nanoTime();

    public Connection(String id, Identity identity, FrameSink sink, java.util.concurrent.Executor writers,
                      int queueCapacity, int batchMaxChars, int publishPerSecond, Consumer<Connection> onOverflow) {
        this.id = id;
        this.identity = identity;
        this.member = new Member(id, identity.name());
        this.sink = sink;
        this.queue = new SendQueue(sink, writers, queueCapacity, batchMaxChars);
        this.publishLimiter = new RateLimiter(publishPerSecond, System.nanoTime());
        this.onOverflow = onOverflow;
    }

    public String id() {
        return id;
    }

    public Identity identity() {
        return identity;
    }

    public Member member() {
        return member;
    }

    /** Channels this connection is subscribed to (live view). */
    public Set<String> channels() {
        return channels;
    }

    public boolean tryAcquirePublish() {
        return publishLimiter.tryAcquire(System.nanoTime());
    }

    public void send(ServerFrame frame) {
        send(FrameEncoder.toJson(frame));
    }

    /** Queues an already encoded envelope; a full queue marks the client slow. */
    public void send(String envelope) {
        if (closing.get()) {
            return;
        }
        if (!queue.offer(envelope)) {
            onOverflow.accept(this);
        }
    }

    public void heard() {
        lastHeardNanos = System.nanoTime();
    }

    public long lastHeardNanos() {
        return lastHeardNanos;
    }

    public void ping() {
        if (!closing.get()) {
            sink.ping();
        }
    }

    public boolean isClosing() {
        return closing.get();
    }

    /** Closes once; later calls are ignored. Returns whether this call started the close. */
    public boolean close(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        sink.close(reason);
        return true;
    }

    /** The socket is gone: stop queueing. */
    public void markClosed() {
        closing.set(true);
    }

    /**
     * Closes once the write in flight has reached the socket, or after {@code graceMillis} at the
     * latest: a client that is merely slow then still receives the close frame and its code.
     */
    public boolean closeAfterDrain(CloseReason reason, java.util.concurrent.ScheduledExecutorService timer, long graceMillis) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable close = () -> {
            if (done.compareAndSet(false, true)) {
                sink.close(reason);
            }
        };
        queue.drainThen(close);
        timer.schedule(close, graceMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        return true;
    }

    /** Like {@link #close} but on the calling thread. */
    public void closeNow(CloseReason reason) {
        if (closing.compareAndSet(false, true)) {
            sink.closeNow(reason);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + "," + identity.name() + "]";
    }
}
