package org.switchboard.connection;

import jakarta.websocket.CloseReason;
import org.switchboard.protocol.InboundFrames;
import org.switchboard.protocol.Member;
import org.switchboard.protocol.OutboundCodec;
import org.switchboard.protocol.TextFrames;
import org.switchboard.security.Identity;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * One client connection: who it is, what it is subscribed to and its outbound queue. Anything
 * that wants to reach the client goes through {@link #send}, which takes ready frames only and never blocks.
 * <p>
 * Most connections sit idle, so this is kept small: the channel set and the publish rate limiter
 * exist only once the client subscribes or publishes, and flags are plain fields.
 */
public final class Connection {

    private static final AtomicIntegerFieldUpdater<Connection> CLOSING =
            AtomicIntegerFieldUpdater.newUpdater(Connection.class, "closing");

    private final String id;
    private volatile Identity identity;
    private volatile String address;
    /** The next step of the credential's expiry (warning, then close); null when it does not expire. */
    private volatile java.util.concurrent.Future<?> expiry;
    private final Member member;
    private final FrameSink sink;
    private final SendQueue queue;
    private final int publishPerSecond;
    private RateLimiter publishLimiter;
    private Set<String> channels;
    private volatile int closing;
    private final Consumer<Connection> onOverflow;
    private volatile long lastHeardNanos = System.nanoTime();
    private final long openedAtMillis = System.currentTimeMillis();
    /** The check of this connection's inbound frames; null when the container's input cannot be inspected. */
    private volatile InboundFrames inbound;
    /** Subscriptions reading their missed messages from history (null when none, the usual case). */
    private volatile Map<String, CatchUp> catchingUp;

    public Connection(String id, Identity identity, FrameSink sink, java.util.concurrent.Executor writers,
                      int queueCapacity, int batchMaxBytes, int publishPerSecond, Consumer<Connection> onOverflow) {
        this.id = id;
        this.identity = identity;
        this.member = new Member(id, identity.name(), identity.subject());
        this.sink = sink;
        this.queue = new SendQueue(sink, writers, queueCapacity, batchMaxBytes);
        this.publishPerSecond = publishPerSecond;
        this.onOverflow = onOverflow;
    }

    public String id() {
        return id;
    }

    public Identity identity() {
        return identity;
    }

    /**
     * Takes a refreshed credential of the same subject; false (nothing changed) for another subject.
     * The display name and groups may change with it; the member others see keeps its name.
     */
    public boolean refresh(Identity refreshed) {
        if (!java.util.Objects.equals(refreshed.subject(), identity.subject()) || refreshed.source() != identity.source()) {
            return false;
        }
        identity = refreshed.named(identity.name());
        return true;
    }

    /** The client's IP address, once the handshake has given it. */
    public String address() {
        return address;
    }

    public void address(String address) {
        this.address = address;
    }

    /** Replaces (and cancels) the pending expiry step. */
    public synchronized void expiry(java.util.concurrent.Future<?> next) {
        java.util.concurrent.Future<?> previous = expiry;
        expiry = next;
        if (previous != null && previous != next) {
            previous.cancel(false);
        }
    }

    /**
     * Records {@code first} as the pending expiry step unless one was recorded since the last
     * {@code expiry(null)}: the step may already have run and recorded its successor.
     */
    public synchronized void expiryIfNone(java.util.concurrent.Future<?> first) {
        if (expiry == null) {
            expiry = first;
        }
    }

    public Member member() {
        return member;
    }

    /** Records the subscription; false when {@code max} are already held (or it already existed). */
    public synchronized boolean addChannel(String channel, int max) {
        if (channels == null) {
            channels = new HashSet<>(4);
        }
        return channels.size() < max && channels.add(channel);
    }

    public synchronized boolean isSubscribed(String channel) {
        return channels != null && channels.contains(channel);
    }

    public synchronized boolean removeChannel(String channel) {
        return channels != null && channels.remove(channel);
    }

    /** The channels subscribed to now, as a copy. */
    public synchronized String[] channels() {
        return channels == null ? new String[0] : channels.toArray(String[]::new);
    }

    public synchronized boolean tryAcquirePublish() {
        long now = System.nanoTime();
        if (publishLimiter == null) {
            publishLimiter = new RateLimiter(publishPerSecond, now);
        }
        return publishLimiter.tryAcquire(now);
    }

    /**
     * Queues an envelope framed by {@link OutboundCodec} ({@link TextFrames}); a full queue marks the
     * client slow. The fan-out frames a message once and queues the same array for every
     * subscriber, so it must not change afterwards.
     */
    public void send(byte[] envelope) {
        send(envelope, null);
    }

    /** Like {@link #send(byte[])}, but a write this starts waits for the end of {@code round}. */
    public void send(byte[] envelope, WriteRound round) {
        if (closing != 0) {
            return;
        }
        if (!queue.offer(envelope, round)) {
            onOverflow.accept(this);
        }
    }

    /**
     * Delivers a live message of {@code channel}, or holds it back while that subscription still
     * reads its missed messages ({@link #beginCatchUp}).
     */
    public void deliver(String channel, long epoch, long seq, byte[] frame, WriteRound round) {
        if (catchingUp != null && holdBack(channel, epoch, seq, frame)) {
            return;
        }
        send(frame, round);
    }

    private synchronized boolean holdBack(String channel, long epoch, long seq, byte[] frame) {
        CatchUp catchUp = catchingUp == null ? null : catchingUp.get(channel);
        if (catchUp == null) {
            return false;
        }
        if (catchUp.isHolding()) {
            if (!catchUp.hold(epoch, seq, frame)) {
                onOverflow.accept(this);
            }
            return true;
        }
        if (catchUp.covers(epoch, seq)) {
            return true;
        }
        endCatchUp(channel);
        return false;
    }

    /** From now until {@link #finishCatchUp}, live messages of {@code channel} are held back. Call before subscribing. */
    public synchronized void beginCatchUp(String channel) {
        Map<String, CatchUp> map = catchingUp == null ? new HashMap<>() : new HashMap<>(catchingUp);
        map.put(channel, new CatchUp());
        catchingUp = map;
    }

    /**
     * Queues {@code reply}, then the stored {@code missed} frames, then the held-back live messages
     * that come after {@code (epoch, lastSent)}; from then on live messages flow directly, except
     * those up to {@code lastSent} that this member delivers only now.
     */
    public synchronized void finishCatchUp(String channel, byte[] reply, List<byte[]> missed, long epoch, long lastSent) {
        CatchUp catchUp = catchingUp == null ? null : catchingUp.get(channel);
        send(reply);
        for (byte[] frame : missed) {
            send(frame);
        }
        if (catchUp == null) {
            return;
        }
        List<byte[]> live = catchUp.after(epoch, lastSent);
        for (byte[] frame : live) {
            send(frame);
        }
        if (live.isEmpty()) {
            catchUp.switchedAt(epoch, lastSent);
        } else {
            endCatchUp(channel); // a live message later than the stored ones has come: nothing left to drop
        }
    }

    /** Stops holding back without sending anything (the subscription was refused). */
    public synchronized void endCatchUp(String channel) {
        if (catchingUp == null || !catchingUp.containsKey(channel)) {
            return;
        }
        Map<String, CatchUp> map = new HashMap<>(catchingUp);
        map.remove(channel);
        catchingUp = map.isEmpty() ? null : map;
    }

    public void heard() {
        lastHeardNanos = System.nanoTime();
    }

    public long lastHeardNanos() {
        return lastHeardNanos;
    }

    public void ping() {
        if (closing == 0) {
            sink.ping();
        }
    }

    /** Watches this connection's input for frames that stop half-way ({@link #inputIncompleteSinceNanos}). */
    public void inbound(InboundFrames frames) {
        this.inbound = frames;
    }

    /** Since when the client has left a frame or fragmented message unfinished; 0 when it has not, or nobody can tell. */
    public long inputIncompleteSinceNanos() {
        InboundFrames frames = inbound;
        return frames == null ? 0 : frames.incompleteSinceNanos();
    }

    /** When the connection was made (epoch ms), for operators. */
    public long openedAtMillis() {
        return openedAtMillis;
    }

    /** Frames waiting in its send queue now. */
    public int queued() {
        return queue.size();
    }

    public boolean isClosing() {
        return closing != 0;
    }

    /** Closes once; later calls are ignored. Returns whether this call started the close. */
    public boolean close(CloseReason reason) {
        if (!CLOSING.compareAndSet(this, 0, 1)) {
            return false;
        }
        sink.close(reason);
        return true;
    }

    /** The socket is gone: stop queueing. */
    public void markClosed() {
        closing = 1;
    }

    /**
     * Closes once the write in flight has reached the socket, or after {@code graceMillis} at the
     * latest: a client that is merely slow then still receives the close frame and its code.
     */
    public boolean closeAfterDrain(CloseReason reason, java.util.concurrent.ScheduledExecutorService timer, long graceMillis) {
        return closeAfter(queue::drainThen, reason, timer, graceMillis);
    }

    /**
     * Closes once what is already queued has been written, the close frame behind it; after
     * {@code graceMillis} at the latest. For a client whose input is refused: the answers to its
     * earlier requests still reach it.
     */
    public boolean closeAfterFlush(CloseReason reason, java.util.concurrent.ScheduledExecutorService timer, long graceMillis) {
        return closeAfter(queue::flushThen, reason, timer, graceMillis);
    }

    /** Closes in order once {@code step} lets it (the close frame behind what was written), or after the grace at the latest. */
    private boolean closeAfter(Consumer<Runnable> step, CloseReason reason, java.util.concurrent.ScheduledExecutorService timer,
                               long graceMillis) {
        if (!CLOSING.compareAndSet(this, 0, 1)) {
            return false;
        }
        AtomicBoolean started = new AtomicBoolean();
        step.accept(() -> {
            if (started.compareAndSet(false, true)) {
                sink.closeInOrder(reason);
            }
        });
        timer.schedule(() -> {
            started.set(true);
            sink.close(reason);
        }, graceMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        return true;
    }

    /** Like {@link #close} but on the calling thread. */
    public void closeNow(CloseReason reason) {
        if (CLOSING.compareAndSet(this, 0, 1)) {
            sink.closeNow(reason);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + "," + identity.name() + "]";
    }
}
