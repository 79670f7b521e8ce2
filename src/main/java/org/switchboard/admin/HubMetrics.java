package org.switchboard.admin;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.switchboard.channel.SubscriptionIndex;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.container.AdaptationStatus;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's MicroProfile Metrics (served by Payara at /metrics in Prometheus format, counters
 * with a {@code _total} suffix): what an operator watches to see load and trouble. Until the
 * registry is attached (and in unit tests) the counters count in memory.
 */
@ApplicationScoped
public class HubMetrics {

    @Inject
    MetricRegistry registry;
    @Inject
    ConnectionRegistry connections;
    @Inject
    SubscriptionIndex subscriptions;

    private Counter published = new LocalCounter();
    private Counter delivered = new LocalCounter();
    private Counter slowConsumers = new LocalCounter();
    private Counter heartbeatTimeouts = new LocalCounter();
    private Counter errors = new LocalCounter();
    private Counter refusedFull = new LocalCounter();
    private Counter gapFilled = new LocalCounter();
    private Counter resumed = new LocalCounter();
    private Counter notRecovered = new LocalCounter();
    private Counter forbidden = new LocalCounter();
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> refusedHandshakes = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> refusedFrames = new java.util.concurrent.ConcurrentHashMap<>();
    private Counter inputTimeouts = new LocalCounter();

    @PostConstruct
    void register() {
        published = registry.counter("switchboard_published");
        delivered = registry.counter("switchboard_delivered");
        slowConsumers = registry.counter("switchboard_slow_consumer_closes");
        heartbeatTimeouts = registry.counter("switchboard_heartbeat_timeouts");
        errors = registry.counter("switchboard_error_replies");
        refusedFull = registry.counter("switchboard_connections_refused");
        gapFilled = registry.counter("switchboard_history_gap_filled");
        resumed = registry.counter("switchboard_history_resumed");
        notRecovered = registry.counter("switchboard_history_not_recovered");
        forbidden = registry.counter("switchboard_forbidden");
        inputTimeouts = registry.counter("switchboard_input_timeouts");
        registry.gauge("switchboard_connections", connections, ConnectionRegistry::count);
        registry.gauge("switchboard_channels", subscriptions, SubscriptionIndex::channelCount);
    }

    /** A connection closed for a frame that broke RFC 6455 (1002) or the size limit (1009), by close code. */
    public void refusedFrame(int closeCode) {
        refusedFrames.computeIfAbsent(Integer.toString(closeCode), c -> registry == null ? new LocalCounter()
                : registry.counter("switchboard_frames_refused", new Tag("code", c))).inc();
    }

    /** A connection closed because its client stopped sending in the middle of a frame (4004). */
    public void inputTimeout() {
        inputTimeouts.inc();
    }

    /** A request a channel rule denied. */
    public void forbidden() {
        forbidden.inc();
    }

    /** A handshake refused by the security checks, by reason (token, unauthenticated, origin, handshake_rate, ...). */
    public void refusedHandshake(String reason) {
        refusedHandshakes.computeIfAbsent(reason, r -> registry == null ? new LocalCounter()
                : registry.counter("switchboard_handshakes_refused", new Tag("reason", r))).inc();
    }

    /** One gauge per container adaptation, 1 with its current state as a tag. */
    public void adaptations(List<AdaptationStatus> statuses) {
        if (registry == null) {
            return;
        }
        for (AdaptationStatus status : statuses) {
            registry.gauge("switchboard_container_adaptations", status, s -> 1,
                    new Tag("name", status.name()), new Tag("state", status.state().label()));
        }
    }

    public void published() {
        published.inc();
    }

    public void delivered(int count) {
        delivered.inc(count);
    }

    public void slowConsumer() {
        slowConsumers.inc();
    }

    public void heartbeatTimeout() {
        heartbeatTimeouts.inc();
    }

    public void errorReply() {
        errors.inc();
    }

    /** Messages this member read from history because its topic subscription skipped them. */
    public void gapFilled(long count) {
        gapFilled.inc(count);
    }

    /** A subscription resumed from its position (recovered) or was told it could not be. */
    public void resumed(boolean recovered) {
        (recovered ? resumed : notRecovered).inc();
    }

    /** A handshake refused because this member holds as many connections as it may. */
    public void refusedFull() {
        refusedFull.inc();
    }

    public long errorReplies() {
        return errors.getCount();
    }

    public long deliveredCount() {
        return delivered.getCount();
    }

    public long slowConsumerCount() {
        return slowConsumers.getCount();
    }

    public long publishedCount() {
        return published.getCount();
    }

    private static final class LocalCounter implements Counter {
        private final LongAdder count = new LongAdder();

        @Override
        public void inc() {
            count.increment();
        }

        @Override
        public void inc(long n) {
            count.add(n);
        }

        @Override
        public long getCount() {
            return count.sum();
        }
    }
}
