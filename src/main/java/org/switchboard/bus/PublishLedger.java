package org.switchboard.bus;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This member's publications that are not answered yet. A publication counts as published only
 * when it comes back from the bus, sequenced ({@link #confirm}): a non-persistent JMS send
 * "succeeds" even into a connection the broker has already dropped. One that is neither confirmed
 * nor failed within the timeout is answered with a timeout ({@link #expireOverdue}), so no caller
 * waits without bound and no loss goes unreported. Each publication is answered exactly once.
 */
public final class PublishLedger {

    /** One publication waiting for its echo; answered once, by the sender, the echo or the watchdog. */
    public static final class Pending {
        private final HubEvent event;
        private final long enqueuedNanos = System.nanoTime();
        private final PublishCallback done;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile Runnable afterAnswer;

        Pending(HubEvent event, PublishCallback done) {
            this.event = event;
            this.done = done;
        }

        /** The event, tagged with a reference this member recognises when it comes back. */
        public HubEvent event() {
            return event;
        }

        /** Runs once, right before the publisher is answered (e.g. to count routed publications). */
        public void afterAnswer(Runnable hook) {
            this.afterAnswer = hook;
        }

        /** Answers the publisher unless it already was; {@code failure} null means published as {@code confirmed}. */
        public boolean answer(HubEvent confirmed, Throwable failure) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            Runnable hook = afterAnswer;
            if (hook != null) {
                hook.run();
            }
            done.answered(confirmed, failure);
            return true;
        }
    }

    private final Map<String, Pending> awaitingEcho = new ConcurrentHashMap<>();
    private final AtomicLong refs = new AtomicLong();
    private final String refPrefix = UUID.randomUUID() + ":";
    private final long timeoutNanos;
    private volatile boolean lastFailed;
    private volatile LateCheck lateCheck;

    /**
     * A last look before a publication is answered as timed out: its echo may have been lost while
     * the publication itself was stored (e.g. the numbering member died between storing and
     * forwarding). A check that takes the publication answers it itself, later.
     */
    @FunctionalInterface
    public interface LateCheck {
        /** True when this check will answer {@code pending} (published, or {@link #overdue}). */
        boolean takes(Pending pending);
    }

    public void lateCheck(LateCheck check) {
        this.lateCheck = check;
    }

    public PublishLedger(long timeoutMs) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /** Opens an entry for the event (not yet awaiting its echo). */
    public Pending open(HubEvent event, PublishCallback done) {
        return new Pending(event.withRef(refPrefix + refs.incrementAndGet()), done);
    }

    /** From now on the echo of {@code pending} answers it. */
    public void awaitEcho(Pending pending) {
        awaitingEcho.put(pending.event.ref(), pending);
    }

    /** The event will not come back after all (its send failed or was refused). */
    public void forget(Pending pending) {
        awaitingEcho.remove(pending.event.ref(), pending);
    }

    /** Called for every event the bus brings back: answers the publication it confirms, if ours. */
    public void confirm(HubEvent event) {
        String ref = event.ref();
        if (ref != null && ref.startsWith(refPrefix)) {
            Pending pending = awaitingEcho.remove(ref);
            if (pending == null) {
                return;
            }
            if (event.kind() == HubEvent.Kind.REJECTED) {
                pending.answer(null, new RejectedPublication(event.dataJson()));
            } else {
                lastFailed = false;
                pending.answer(event, null);
            }
        }
    }

    /** Refuses one publication that never reached the bus (full queue, stopping); the bus itself is fine. */
    public void refuse(Pending pending, Throwable failure) {
        forget(pending);
        pending.answer(null, failure);
    }

    /** Fails one publication because the bus failed it (a send failed, or no echo in time). */
    public void fail(Pending pending, Throwable failure) {
        lastFailed = true;
        refuse(pending, failure);
    }

    public boolean isOverdue(Pending pending, long nowNanos) {
        return nowNanos - pending.enqueuedNanos > timeoutNanos;
    }

    /** Answers, with a timeout, the publication that waited too long. */
    public void overdue(Pending pending) {
        fail(pending, new TimeoutException("the message bus did not confirm the event in time"));
    }

    /** Answers every publication whose echo has not come within the timeout. Called periodically. */
    public void expireOverdue() {
        long now = System.nanoTime();
        for (Pending pending : awaitingEcho.values()) {
            if (isOverdue(pending, now) && awaitingEcho.remove(pending.event.ref(), pending)) {
                LateCheck check = lateCheck;
                if (check == null || !check.takes(pending)) {
                    overdue(pending);
                }
            }
        }
    }

    /** Answers everything still waiting (at shutdown). */
    public void failAll(Throwable failure) {
        for (Pending pending : awaitingEcho.values()) {
            if (awaitingEcho.remove(pending.event.ref(), pending)) {
                pending.answer(null, failure);
            }
        }
    }

    /** False after a publication failed or timed out, until one is confirmed or {@link #reachable} is called. */
    public boolean isUsable() {
        return !lastFailed;
    }

    /** The bus is reachable again (e.g. a subscription was just opened). */
    public void reachable() {
        lastFailed = false;
    }

    /** The sequencer refused the publication (its reason as message); the bus itself is fine. */
    public static final class RejectedPublication extends Exception {
        public RejectedPublication(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Publications awaiting their echo now. */
    public int awaiting() {
        return awaitingEcho.size();
    }
}
