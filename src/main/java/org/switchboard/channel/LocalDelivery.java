package org.switchboard.channel;

import org.switchboard.config.DirectBeans;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.cluster.HubEvent;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.connection.TextFrames;
import org.switchboard.connection.WriteRound;
import org.switchboard.protocol.FrameEncoder;
import org.switchboard.protocol.MessageFrames;
import org.switchboard.protocol.Replies;

import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers one event from the topic to this member's subscribers of its channel: encodes it
 * once, as a complete WebSocket frame, and queues that same array on every subscriber's send queue.
 */
@ApplicationScoped
public class LocalDelivery {

    private static final Logger LOG = Logger.getLogger(LocalDelivery.class.getName());

    @Inject
    SubscriptionIndex subscriptions;
    @Inject
    HubMetrics metrics;
    @Inject
    HubSettings settings;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        subscriptions = DirectBeans.of(SubscriptionIndex.class);
        metrics = DirectBeans.of(HubMetrics.class);
        settings = DirectBeans.of(HubSettings.class);
    }

    /**
     * Presence changes are announced only on channels of modest size: on a channel with n
     * members, announcing every join costs n frames, so filling it would cost n² — large
     * channels answer presence queries instead.
     */
    private boolean announces(Set<Connection> targets) {
        return !targets.isEmpty() && targets.size() <= settings.presenceMaxAnnounced();
    }

    /**
     * One call per batch from the topic. The writes to queues this wakes start when {@code round}
     * ends, so that the caller can queue more behind them (the publishers' {@code ok} replies).
     */
    public void deliver(List<HubEvent> events, WriteRound round) {
        for (HubEvent event : events) {
            try {
                deliver(event, round);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dropping undeliverable event on " + event.channel(), e);
            }
        }
    }

    void deliver(HubEvent event, WriteRound round) {
        Set<Connection> targets = subscriptions.subscribers(event.channel());
        byte[] envelope = switch (event.kind()) {
            case MESSAGE -> targets.isEmpty() ? null
                    : TextFrames.of(out -> MessageFrames.message(out, event.channel(), event.epoch(), event.seq(), event.ts(),
                            event.from(), event.dataJson()));
            case JOIN -> announces(targets) ? TextFrames.of(FrameEncoder.toJson(Replies.join(event.channel(), event.from()))) : null;
            case LEAVE -> announces(targets) ? TextFrames.of(FrameEncoder.toJson(Replies.leave(event.channel(), event.from()))) : null;
        };
        if (envelope == null) {
            return;
        }
        for (Connection connection : targets) {
            connection.send(envelope, round);
        }
        metrics.delivered(targets.size());
    }
}
