package org.switchboard.hub;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.PublishLedger;
import org.switchboard.channel.LocalDelivery;
import org.switchboard.connection.HubExecutors;
import org.switchboard.connection.WriteRound;
import org.switchboard.container.DirectBeans;
import org.switchboard.history.HistoryService;
import org.switchboard.history.HistoryStore;
import org.switchboard.protocol.StoredMessage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What this member does with each batch the message bus brings back, in this order: queue every
 * event's frame for the local subscribers of its channel, confirm this member's own publications
 * among them (their {@code ok} replies queue behind the echoes), then start the writes of every
 * queue the batch woke, together ({@link WriteRound}). The bus calls it from one thread at a time.
 * <p>
 * On channels with history it also keeps this member's deliveries gap-free and single: it knows
 * the last position it delivered per channel with local subscribers; a message it has already
 * delivered is not delivered again, and one that skips positions (this member's topic
 * subscription missed messages, e.g. while the broker was away) is preceded by the missing ones,
 * read from the store.
 */
@ApplicationScoped
public class DeliveryPipeline implements BatchHandler {

    private static final Logger LOG = Logger.getLogger(DeliveryPipeline.class.getName());

    @Inject
    LocalDelivery delivery;
    @Inject
    PublishLedger ledger;
    @Inject
    HubMetrics metrics;
    @Inject
    HubExecutors executors;
    @Inject
    HistoryService history;

    private WriteRound round;
    /** channel → {epoch, last seq delivered here}, for channels with history and local subscribers. */
    private final Map<String, long[]> delivered = new ConcurrentHashMap<>();
    /**
     * channel → {epoch, lowest position a local subscription started from}, for channels with
     * history on which nothing has been delivered here since: where a catch-up starts for them.
     */
    private final Map<String, long[]> subscribedAt = new ConcurrentHashMap<>();

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        delivery = DirectBeans.of(LocalDelivery.class);
        metrics = DirectBeans.of(HubMetrics.class);
        history = DirectBeans.of(HistoryService.class);
    }

    /** Called by the lifecycle once the writer threads exist. */
    public void start() {
        round = new WriteRound(executors.writers(), executors.writerThreads());
    }

    @Override
    public void handle(List<HubEvent> batch) {
        try {
            int delivered = 0;
            for (HubEvent event : batch) {
                try {
                    delivered += event.isMessage() && history.keepsHistory(event.channel())
                            ? deliverInOrder(event) : delivery.deliver(event, round);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "dropping undeliverable event on " + event.channel(), e);
                }
            }
            metrics.delivered(delivered);
            for (HubEvent event : batch) {
                ledger.confirm(event);
            }
        } finally {
            round.start();
        }
    }

    /**
     * Catches up, from the store, every channel with history and local subscribers on what was
     * stored after the last position delivered here (the topic subscription was cut off).
     */
    @Override
    public void resynchronise() {
        HistoryStore store = history.store();
        if (store == null || (delivered.isEmpty() && subscribedAt.isEmpty())) {
            return;
        }
        try {
            int count = 0;
            java.util.Set<String> channels = new java.util.HashSet<>(delivered.keySet());
            channels.addAll(subscribedAt.keySet());
            for (String channel : channels) {
                long[] last = delivered.get(channel);
                if (last == null) {
                    last = subscribedAt.get(channel);
                }
                if (last == null) {
                    continue;
                }
                for (StoredMessage m : store.after(channel, last[1], 10_000)) {
                    if (last[0] != 0 && m.epoch() != last[0]) {
                        break;
                    }
                    int n = delivery.deliver(new HubEvent(HubEvent.Kind.MESSAGE, channel, m.from(), m.ts(),
                            m.dataJson(), m.epoch(), m.seq(), null, null), round);
                    count += n;
                    metrics.gapFilled(1);
                    subscribedAt.remove(channel);
                    if (n == 0) {
                        delivered.remove(channel); // nobody here subscribes any more
                        break;
                    }
                    delivered.put(channel, new long[]{m.epoch(), m.seq()});
                }
            }
            metrics.delivered(count);
        } catch (HistoryStore.HistoryUnavailable e) {
            LOG.log(Level.WARNING, "could not catch up after the bus reconnected: " + e.getMessage());
        } finally {
            round.start();
        }
    }

    /**
     * A local subscription to a channel with history started at {@code (epoch, seq)}: until a
     * message is delivered on it here, a catch-up after the bus reconnects starts there.
     */
    public void subscribedAt(String channel, long epoch, long seq) {
        // epoch 0: the channel had no history yet, so everything it will store comes after
        subscribedAt.merge(channel, new long[]{epoch, seq}, (old, now) -> old[0] == 0 ? old : now[0] == 0 ? now
                : old[0] == now[0] && old[1] <= now[1] ? old : now);
    }

    private int deliverInOrder(HubEvent event) {
        long[] last = this.delivered.get(event.channel());
        int count = 0;
        if (last != null && last[0] == event.epoch()) {
            if (event.seq() <= last[1]) {
                return 0;
            }
            if (event.seq() > last[1] + 1) {
                count += fillGap(event, last[1]);
            }
        }
        count += delivery.deliver(event, round);
        if (count > 0) {
            this.delivered.put(event.channel(), new long[]{event.epoch(), event.seq()});
            subscribedAt.remove(event.channel());
        } else {
            this.delivered.remove(event.channel());
        }
        return count;
    }

    /** Delivers the stored messages between {@code lastSeq} and the event; none if the store cannot say. */
    private int fillGap(HubEvent event, long lastSeq) {
        HistoryStore store = history.store();
        int missing = (int) Math.min(event.seq() - lastSeq - 1, 10_000);
        try {
            int count = 0;
            for (StoredMessage m : store.after(event.channel(), lastSeq, missing)) {
                if (m.epoch() == event.epoch() && m.seq() < event.seq()) {
                    count += delivery.deliver(new HubEvent(HubEvent.Kind.MESSAGE, event.channel(), m.from(), m.ts(),
                            m.dataJson(), m.epoch(), m.seq(), null, null), round);
                }
            }
            metrics.gapFilled(missing);
            return count;
        } catch (HistoryStore.HistoryUnavailable e) {
            LOG.log(Level.WARNING, "could not fill a gap of " + missing + " on " + event.channel() + ": " + e.getMessage());
            return 0;
        }
    }
}
