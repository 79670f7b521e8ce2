package org.switchboard.channel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.cluster.HubEvent;
import org.switchboard.connection.Connection;
import org.switchboard.protocol.FrameEncoder;
import org.switchboard.protocol.MessageFrames;
import org.switchboard.protocol.Replies;

import java.util.Set;

/**
 * Delivers one event from the topic to this member's subscribers of its channel: encodes it
 * once and queues the same string on every subscriber's send queue.
 */
@ApplicationScoped
public class LocalDelivery {

    @Inject
    SubscriptionIndex subscriptions;
    @Inject
    HubMetrics metrics;

    public void deliver(HubEvent event) {
        Set<Connection> targets = subscriptions.subscribers(event.channel());
        String frame = switch (event.kind()) {
            case MESSAGE -> targets.isEmpty() ? null
                    : MessageFrames.message(event.channel(), event.epoch(), event.seq(), event.ts(), event.from(), event.dataJson());
            case JOIN -> targets.isEmpty() ? null : FrameEncoder.toJson(Replies.join(event.channel(), event.from()));
            case LEAVE -> targets.isEmpty() ? null : FrameEncoder.toJson(Replies.leave(event.channel(), event.from()));
        };
        if (frame == null) {
            return;
        }
        for (Connection connection : targets) {
            connection.send(frame);
        }
        metrics.delivered(targets.size());
    }
}
