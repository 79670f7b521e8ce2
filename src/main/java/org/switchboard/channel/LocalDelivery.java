package org.switchboard.channel;

import org.switchboard.container.DirectBeans;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.bus.HubEvent;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.connection.WriteRound;
import org.switchboard.protocol.OutboundCodec;

import java.util.Set;

/**
 * Delivers one event from the bus to this member's subscribers of its channel: encodes it once,
 * as a complete WebSocket frame, and queues that same array on every subscriber's send queue.
 */
@ApplicationScoped
public class LocalDelivery {

    @Inject
    SubscriptionIndex subscriptions;
    @Inject
    HubSettings settings;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        subscriptions = DirectBeans.of(SubscriptionIndex.class);
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
     * Queues the event's frame for every local subscriber of its channel; the writes this wakes
     * start when {@code round} ends. Returns how many connections it was queued for.
     */
    public int deliver(HubEvent event, WriteRound round) {
        Set<Connection> targets = subscriptions.subscribers(event.channel());
        if (event.kind() == HubEvent.Kind.MESSAGE) {
            if (targets.isEmpty()) {
                return 0;
            }
            byte[] frame = OutboundCodec.message(event.channel(), event.epoch(), event.seq(), event.ts(), event.from(), event.dataJson());
            for (Connection connection : targets) {
                connection.deliver(event.channel(), event.epoch(), event.seq(), frame, round);
            }
            return targets.size();
        }
        byte[] frame = switch (event.kind()) {
            case JOIN -> announces(targets) ? OutboundCodec.join(event.channel(), event.from()) : null;
            case LEAVE -> announces(targets) ? OutboundCodec.leave(event.channel(), event.from()) : null;
            default -> null; // answers to publishers, delivered to nobody
        };
        if (frame == null) {
            return 0;
        }
        for (Connection connection : targets) {
            connection.send(frame, round);
        }
        return targets.size();
    }
}
