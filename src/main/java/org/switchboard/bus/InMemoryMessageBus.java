package org.switchboard.bus;

import java.util.List;
import java.util.function.Consumer;

/**
 * The message bus inside one JVM: numbers each publication in one epoch and hands it straight
 * back to the handler, on the publisher's thread, under one lock that fixes the order. It gives
 * the hub's own logic (requests, presence, confirmation, a publisher's order) fast unit tests with
 * the same ledger and pipeline as the JMS bus. It carries nothing to other members.
 */
public final class InMemoryMessageBus implements MessageBus {

    private final PublishLedger ledger;
    private final long epoch = System.currentTimeMillis();
    private final ChannelSequencer positions = new ChannelSequencer();
    private BatchHandler handler;
    private boolean running;

    public InMemoryMessageBus(PublishLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public synchronized void start(BatchHandler handler) {
        this.handler = handler;
        running = true;
    }

    @Override
    public void publish(HubEvent event, Consumer<Throwable> done) {
        PublishLedger.Pending pending = ledger.open(event, done);
        synchronized (this) {
            if (!running) {
                ledger.refuse(pending, new IllegalStateException("hub stopping"));
                return;
            }
            ledger.awaitEcho(pending);
            HubEvent tagged = pending.event();
            handler.handle(List.of(tagged.kind() == HubEvent.Kind.MESSAGE
                    ? tagged.at(epoch, positions.next(tagged.channel())) : tagged));
        }
    }

    @Override
    public void expireOverdue() {
        ledger.expireOverdue();
    }

    @Override
    public synchronized boolean isReady() {
        return running;
    }

    @Override
    public synchronized void stop() {
        running = false;
        ledger.failAll(new IllegalStateException("hub stopping"));
    }
}
