package org.switchboard.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.history.HistoryService;
import org.switchboard.history.HistoryStore;
import org.switchboard.protocol.ClientRequest;
import org.switchboard.protocol.ErrorCode;
import org.switchboard.protocol.OutboundCodec;
import org.switchboard.protocol.Position;
import org.switchboard.protocol.StoredMessage;
import org.switchboard.protocol.TextFrames;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests that read a channel's history: a subscription to a channel with history (which
 * answers with the channel's position and, when the client gives the last position it saw, the
 * messages it missed) and the paged {@code history} request. The reads run on the history
 * service's reader threads; the container thread only registers the subscription.
 * <p>
 * Resume is gap-free and duplicate-free at the switch from stored to live messages because the
 * subscription holds back its live messages from before the store is read until the stored ones
 * are queued ({@link Connection#beginCatchUp}): every message is either in what the read returns,
 * or arrives live after it, or both — and the held-back ones the read covered are dropped.
 */
@ApplicationScoped
public class HistoryRequests {

    @Inject
    HistoryService history;
    @Inject
    ChannelService channels;
    @Inject
    HubSettings settings;
    @Inject
    HubMetrics metrics;
    @Inject
    DeliveryPipeline pipeline;

    /** Per channel, the subscriptions whose description is queued but not yet being read. */
    private final ConcurrentHashMap<String, List<Waiting>> waitingForDescription = new ConcurrentHashMap<>();

    public boolean keepsHistory(String channel) {
        return history.keepsHistory(channel);
    }

    /** Subscribes to a channel with history; null when accepted (the reply follows), else why not. */
    public ErrorCode subscribe(Connection connection, ClientRequest request) {
        String channel = request.channel();
        connection.beginCatchUp(channel);
        ErrorCode refused = channels.subscribe(connection, channel);
        if (refused != null) {
            connection.endCatchUp(channel);
            return refused;
        }
        Waiting waiting = new Waiting(connection, request);
        boolean[] first = {false};
        List<Waiting> group = waitingForDescription.compute(channel, (name, others) -> {
            List<Waiting> joined = others == null ? new ArrayList<>(4) : others;
            first[0] = others == null;
            joined.add(waiting);
            return joined;
        });
        if (first[0] && !history.read(() -> catchUp(channel, group))) {
            waitingForDescription.remove(channel, group);
            group.forEach(this::unreadable);
        }
        return null;
    }

    /**
     * Reads the channel's description once for every subscription that joined the group before this
     * read started. Each joined after its {@link Connection#beginCatchUp}, so the description is no
     * older than any of them: what it misses they receive live. In a reconnect storm hundreds of
     * clients resume on one channel at once; they cost one query, not one each.
     */
    private void catchUp(String channel, List<Waiting> group) {
        waitingForDescription.remove(channel, group); // later subscriptions start a group of their own
        HistoryStore store = history.store();
        HistoryStore.ChannelHistory now;
        try {
            now = store.describe(channel);
        } catch (RuntimeException e) {
            group.forEach(this::unreadable);
            if (e instanceof HistoryStore.HistoryUnavailable) {
                return;
            }
            throw e;
        }
        Position position = now == null ? Position.NONE : new Position(now.epoch(), now.latest());
        pipeline.subscribedAt(channel, position.epoch(), position.seq());
        RuntimeException failed = null;
        for (Waiting waiting : group) {
            try {
                catchUp(waiting.connection(), waiting.request(), store, now, position);
            } catch (HistoryStore.HistoryUnavailable e) {
                unreadable(waiting);
            } catch (RuntimeException e) {
                unreadable(waiting);
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** One subscription's answer, from its channel's description. */
    private void catchUp(Connection connection, ClientRequest request, HistoryStore store, HistoryStore.ChannelHistory now,
                         Position position) {
        String channel = request.channel();
        Position since = request.since();
        if (since == null) {
            connection.finishCatchUp(channel, OutboundCodec.subscribed(request.id(), position, null, null),
                    List.of(), position.epoch(), position.seq());
            return;
        }
        long from = resumableFrom(since, now);
        if (from < 0 || position.seq() - from > settings.historyResumeMax()) {
            metrics.resumed(false);
            connection.finishCatchUp(channel, OutboundCodec.subscribed(request.id(), position, false,
                    now == null ? 1 : now.earliest()), List.of(), position.epoch(), position.seq());
            return;
        }
        // a client that saw the latest message (most of a reconnect storm) missed nothing: no page to read
        List<StoredMessage> missed = now == null || from >= position.seq() ? List.of()
                : store.after(channel, from, settings.historyResumeMax());
        long lastSent = missed.isEmpty() ? position.seq() : Math.max(position.seq(), missed.get(missed.size() - 1).seq());
        metrics.resumed(true);
        connection.finishCatchUp(channel, OutboundCodec.subscribed(request.id(), position, true, null),
                frames(channel, missed), position.epoch(), lastSent);
    }

    /** A subscription waiting for its channel's description. */
    private record Waiting(Connection connection, ClientRequest request) {
    }

    /**
     * The seq after which the client's missed messages start, or -1 when they cannot all be
     * given: another epoch, or older than what the store still holds. {@code (0, 0)} ("nothing seen")
     * resumes from the channel's first message, if the store still holds it.
     */
    static long resumableFrom(Position since, HistoryStore.ChannelHistory now) {
        if (now == null) {
            return since.isNone() ? 0 : -1;
        }
        if (since.isNone() || (since.epoch() == now.epoch() && since.seq() == 0)) {
            return now.earliest() <= 1 ? 0 : -1;
        }
        if (since.epoch() != now.epoch() || since.seq() > now.latest() || since.seq() < now.earliest() - 1) {
            return -1;
        }
        return since.seq();
    }

    private void unreadable(Waiting waiting) {
        unreadable(waiting.connection(), waiting.request());
    }

    /** The store cannot be read: the subscription is live from now, and a resume says it did not recover. */
    private void unreadable(Connection connection, ClientRequest request) {
        if (request.since() != null) {
            metrics.resumed(false);
        }
        connection.finishCatchUp(request.channel(), OutboundCodec.subscribed(request.id(), null,
                request.since() == null ? null : false, null), List.of(), 0, 0);
    }

    /** Answers a {@code history} request with one page, on a reader thread. */
    public void query(Connection connection, ClientRequest request) {
        if (!history.keepsHistory(request.channel())) {
            error(connection, request.id(), ErrorCode.NO_HISTORY, "channel '" + request.channel() + "' keeps no history");
            return;
        }
        if (request.after() != null && request.before() != null) {
            error(connection, request.id(), ErrorCode.INVALID_FIELD, "give 'after' or 'before', not both");
            return;
        }
        int limit = Math.min(request.limit() == 0 ? settings.historyPageMax() : request.limit(), settings.historyPageMax());
        if (!history.read(() -> page(connection, request, limit))) {
            error(connection, request.id(), ErrorCode.UNAVAILABLE, "history busy; retry later");
        }
    }

    private void page(Connection connection, ClientRequest request, int limit) {
        String channel = request.channel();
        HistoryStore store = history.store();
        try {
            HistoryStore.ChannelHistory now = store.describe(channel);
            if (now == null) {
                connection.send(OutboundCodec.history(request.id(), channel, 0, 0, 0, List.of()));
                return;
            }
            Position anchor = request.after() != null ? request.after() : request.before();
            List<StoredMessage> page;
            if (anchor != null && !anchor.isNone() && anchor.epoch() != now.epoch()) {
                page = List.of(); // a position of another epoch: nothing of it is left
            } else if (request.after() != null) {
                page = store.after(channel, request.after().seq(), limit);
            } else {
                page = store.before(channel, request.before() == null ? Long.MAX_VALUE : request.before().seq(), limit);
            }
            connection.send(OutboundCodec.history(request.id(), channel, now.epoch(),
                    now.earliest() > now.latest() ? 0 : now.earliest(), now.latest(), page));
        } catch (HistoryStore.HistoryUnavailable e) {
            error(connection, request.id(), ErrorCode.UNAVAILABLE, "history store unavailable; retry later");
        }
    }

    /** Stored messages as frames of several {@code message} envelopes each, within the frame budget. */
    private List<byte[]> frames(String channel, List<StoredMessage> missed) {
        List<byte[]> frames = new ArrayList<>();
        byte[][] pending = new byte[missed.size()][];
        int count = 0;
        int length = 0;
        for (StoredMessage m : missed) {
            byte[] one = OutboundCodec.message(channel, m.epoch(), m.seq(), m.ts(), m.from(), m.dataJson());
            int payload = TextFrames.payloadLength(one);
            if (count > 0 && length + 1 + payload > settings.batchMaxBytes()) {
                frames.add(TextFrames.joined(pending, count, length));
                count = 0;
                length = 0;
            }
            length += (count > 0 ? 1 : 0) + payload;
            pending[count++] = one;
        }
        if (count > 0) {
            frames.add(count == 1 ? pending[0] : TextFrames.joined(pending, count, length));
        }
        return frames;
    }

    private void error(Connection connection, String id, ErrorCode code, String message) {
        metrics.errorReply();
        connection.send(OutboundCodec.error(id, code, message));
    }
}
