package org.switchboard.cluster;

import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the {@link BatchHandler} contract (one thread at a time) now that two threads hand it
 * batches: the sequencer its own numbered batches, the topic subscriber those of other members'
 * sequencers. Normally only one of them is busy, so the lock is uncontended.
 */
final class OneAtATime implements BatchHandler {

    private final BatchHandler handler;
    private final ReentrantLock lock = new ReentrantLock();

    OneAtATime(BatchHandler handler) {
        this.handler = handler;
    }

    @Override
    public void handle(List<HubEvent> batch) {
        lock.lock();
        try {
            handler.handle(batch);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resynchronise() {
        lock.lock();
        try {
            handler.resynchronise();
        } finally {
            lock.unlock();
        }
    }
}
