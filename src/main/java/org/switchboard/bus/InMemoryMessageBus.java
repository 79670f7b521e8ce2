package org.switchboard.bus;

import org.switchboard.history.ChannelNumbering;

import java.util.List;

/**
 * The message bus inside one JVM: numbers (and, where the channel keeps history, stores) each
 * publication with the same {@link ChannelNumbering} the JMS sequencer uses, and hands it straight
 * back to the handler, on the publisher's thread, under one lock that fixes the order. It gives
 * the hub's own logic (requests, presence, confirmation, history, a publisher's order) fast unit
 * tests with the same ledger and pipeline as the JMS bus. It carries nothing to other members.
 */
public final class InMemoryMessageBus implements MessageBus {

    private final PublishLedger ledger;
    private final ChannelNumbering numbering;
    private BatchHandler handler;
    private boolean running;

    /** Every channel live-only. */
    public InMemoryMessageBus(PublishLedger ledger) {
        this(ledger, new ChannelNumbering(null, channel -> null, "in-memory"));
    }

    public InMemoryMessageBus(PublishLedger ledger, ChannelNumbering numbering) {
        this.ledger = ledger;
        this.numbering = numbering;
    }

    @Override
    public synchronized void start(BatchHandler handler) {
        this.handler = handler;
        numbering.takeOver();
        running = true;
    }

    @Override
    public void publish(HubEvent event, PublishCallback done) {
        PublishLedger.Pending pending = ledger.open(event, done);
        synchronized (this) {
            if (!running) {
                ledger.refuse(pending, new IllegalStateException("hub stopping"));
                return;
            }
            ledger.awaitEcho(pending);
            handler.handle(numbering.number(List.of(pending.event()), Long.MIN_VALUE));
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
