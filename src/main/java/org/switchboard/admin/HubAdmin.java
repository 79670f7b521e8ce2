package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.bus.MessageBus;
import org.switchboard.channel.SubscriptionIndex;
import org.switchboard.connection.Connection;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.connection.HubExecutors;
import org.switchboard.history.HistoryService;
import org.switchboard.history.HistoryStore;
import org.switchboard.ingress.BackendPublisher;
import org.switchboard.ingress.Publication;
import org.switchboard.ingress.PublishOutcome;
import org.switchboard.presence.PresenceRegistry;
import org.switchboard.protocol.CloseCodes;
import org.switchboard.security.Identity;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What an administrator sees of this member and may do to it, behind both the admin REST API and
 * the MBean: every action is audited. Views are of this member; the REST API names the member.
 */
@ApplicationScoped
public class HubAdmin {

    /** How system messages are marked in {@code from.connection}. */
    public static final String VIA = "system";
    private static final long CLOSE_GRACE_MS = 2_000;

    @Inject
    ConnectionRegistry registry;
    @Inject
    SubscriptionIndex subscriptions;
    @Inject
    BackendPublisher publisher;
    @Inject
    Drain drain;
    @Inject
    AuditLog audit;
    @Inject
    HubExecutors executors;
    @Inject
    MessageBus bus;
    @Inject
    HubMetrics metrics;
    @Inject
    PresenceRegistry presence;
    @Inject
    HistoryService history;
    @Inject
    MemberDirectory directory;

    /** One connection as an operator sees it. */
    public record ConnectionView(String id, String subject, String name, String address, List<String> channels,
                                 int queued, long openedAt) {
    }

    /**
     * One channel with subscribers on this member: how many here and in the whole deployment (its
     * presence), and for a channel with history its epoch, last seq and how many messages it keeps
     * (null for a live-only channel, or while the store is down).
     */
    public record ChannelView(String channel, int subscribers, int clusterSubscribers, Long epoch, Long lastSeq, Long stored) {
    }

    /** Connections whose subject or name contains {@code query} (all when blank), oldest first, at most {@code limit}. */
    public List<ConnectionView> connections(String query, int limit) {
        String q = query == null ? "" : query.toLowerCase(Locale.ROOT);
        return registry.all().stream()
                .filter(c -> q.isEmpty() || contains(c.identity().subject(), q) || contains(c.identity().name(), q))
                .sorted(Comparator.comparingLong(Connection::openedAtMillis))
                .limit(Math.max(0, limit))
                .map(c -> new ConnectionView(c.id(), c.identity().subject(), c.identity().name(), c.address(),
                        Arrays.asList(c.channels()), c.queued(), c.openedAtMillis()))
                .toList();
    }

    /** Channels with subscribers here, busiest first, at most {@code limit} (each costs a grid and a store lookup). */
    public List<ChannelView> channels(int limit) {
        return subscriptions.channels().stream()
                .map(ch -> Map.entry(ch, subscriptions.subscribers(ch).size()))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(0, limit))
                .map(e -> describe(e.getKey(), e.getValue()))
                .toList();
    }

    private ChannelView describe(String channel, int here) {
        int everywhere = presence.members(channel).size();
        if (!history.keepsHistory(channel)) {
            return new ChannelView(channel, here, everywhere, null, null, null);
        }
        try {
            HistoryStore.ChannelHistory h = history.store().describe(channel);
            if (h == null) {
                return new ChannelView(channel, here, everywhere, 0L, 0L, 0L); // nothing stored yet
            }
            return new ChannelView(channel, here, everywhere, h.epoch(), h.latest(), Math.max(0, h.latest() - h.earliest() + 1));
        } catch (HistoryStore.HistoryUnavailable e) {
            return new ChannelView(channel, here, everywhere, null, null, null);
        }
    }

    public List<MemberDirectory.MemberView> members() {
        return directory.members();
    }

    public int connectionCount() {
        return registry.count();
    }

    public int channelCount() {
        return subscriptions.channelCount();
    }

    public long published() {
        return metrics.publishedCount();
    }

    public long delivered() {
        return metrics.deliveredCount();
    }

    public long slowConsumerCloses() {
        return metrics.slowConsumerCount();
    }

    public boolean busReady() {
        return bus.isReady();
    }

    public boolean draining() {
        return drain.isDraining();
    }

    /** Closes one connection with 4005; false when there is none with that id. */
    public boolean disconnect(String who, String connectionId) {
        Connection connection = registry.all().stream().filter(c -> c.id().equals(connectionId)).findFirst().orElse(null);
        boolean found = connection != null && close(connection);
        audit.record(who, "disconnect", "connection:" + connectionId, found ? "closed" : "not found");
        return found;
    }

    /** Closes every connection of {@code subject} with 4005; returns how many. */
    public int disconnectSubject(String who, String subject) {
        int closed = 0;
        for (Connection connection : registry.all()) {
            if (subject != null && subject.equals(connection.identity().subject()) && close(connection)) {
                closed++;
            }
        }
        audit.record(who, "disconnect-subject", "subject:" + subject, closed + " closed");
        return closed;
    }

    /** Publishes {@code dataJson} to {@code channel} marked as coming from the system (by {@code who}). */
    public CompletionStage<PublishOutcome> systemMessage(String who, String channel, String dataJson) {
        Identity system = new Identity(who, "system", Set.of("switchboard-admin", "switchboard-publisher"), Map.of(), null,
                Identity.Source.CONTAINER);
        return publisher.publish(system, VIA, new Publication(channel, dataJson, null)).whenComplete((outcome, error) ->
                audit.record(who, "system-message", "channel:" + channel, error != null ? "failed: " + error
                        : outcome instanceof PublishOutcome.Published p ? "published at " + p.epoch() + "/" + p.seq()
                        : "refused: " + ((PublishOutcome.Refused) outcome).error().code()));
    }

    /** Starts draining this member; returns how many clients are told to reconnect elsewhere. */
    public int drain(String who) {
        int told = drain.start();
        audit.record(who, "drain", "member", told + " clients told 1012 over " + drain.window().toMillis() + " ms");
        return told;
    }

    public long drainWindowMs() {
        return drain.window().toMillis();
    }

    /** Accepts connections again after a drain. */
    public void undrain(String who) {
        drain.stop();
        audit.record(who, "undrain", "member", "accepting");
    }

    private boolean close(Connection connection) {
        return connection.closeAfterFlush(CloseCodes.disconnectedByAdmin(), executors.scheduler(), CLOSE_GRACE_MS);
    }

    private static boolean contains(String value, String lowerQuery) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(lowerQuery);
    }
}
