package org.switchboard.history;

import org.switchboard.bus.HubEvent;
import org.switchboard.protocol.Position;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives each publication its position and, on channels with history, stores it before anything is
 * forwarded: the numbering step of whichever member numbers messages, one batch at a time, on one
 * thread. What {@link #number} returns is what the members receive, in order.
 * <p>
 * A channel with history continues from its last stored position, so a member that takes over
 * numbering keeps the channel's epoch; a live-only channel is numbered in memory, in the epoch of
 * this numbering session. A batch is stored in one transaction under the fence taken at
 * {@link #takeOver}. A publication whose key the channel already holds (a client's retry, or an
 * ingress message redelivered after a takeover) is answered with the stored position
 * ({@link HubEvent.Kind#DUPLICATE}) and delivered to nobody; one that cannot be stored is answered
 * {@link HubEvent.Kind#REJECTED}, and live-only channels carry on.
 */
public final class ChannelNumbering {

    private static final Logger LOG = Logger.getLogger(ChannelNumbering.class.getName());
    private static final int RECENT_KEYS = 10_000;

    private final HistoryStore store;
    private final Retention retention;
    private final String holder;
    private long liveEpoch;
    private long fence = -1;
    /** channel → {epoch, last seq}: what this session numbered or loaded. */
    private final Map<String, long[]> last = new HashMap<>();
    /** channel + '\n' + publication key → position, of the latest publications (answers retries without the store). */
    private final Map<String, Position> recentKeys = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Position> eldest) {
            return size() > RECENT_KEYS;
        }
    };

    /** @param store null when history is disabled (then {@code retention} keeps nothing) */
    public ChannelNumbering(HistoryStore store, Retention retention, String holder) {
        this.store = store;
        this.retention = retention;
        this.holder = holder;
    }

    /**
     * Starts a numbering session: live-only channels get a new epoch, channels with history are
     * read from the store again, and this holder takes the store's fence. If the store is down,
     * the fence is taken on the first batch that finds it back.
     */
    public void takeOver() {
        liveEpoch = Math.max(System.currentTimeMillis(), liveEpoch + 1);
        last.clear();
        recentKeys.clear();
        fence = -1;
        tryTakeFence();
    }

    private boolean tryTakeFence() {
        if (fence >= 0) {
            return true;
        }
        if (store == null || !store.isAvailable()) {
            return false;
        }
        try {
            fence = store.takeFence(holder);
            LOG.info("numbering messages with history fence " + fence);
            return true;
        } catch (HistoryStore.HistoryUnavailable e) {
            return false;
        }
    }

    /**
     * Numbers the events (stale ones, older than {@code staleBeforeMs}, are rejected) and stores
     * those of channels with history. Presence events pass unchanged.
     *
     * @throws HistoryStore.Fenced when another member took over numbering: stop
     */
    public List<HubEvent> number(List<HubEvent> events, long staleBeforeMs) {
        return number(events, staleBeforeMs, Map.of(), true);
    }

    private List<HubEvent> number(List<HubEvent> events, long staleBeforeMs, Map<String, Position> stored, boolean retry) {
        List<HubEvent> out = new ArrayList<>(events.size());
        List<HubEvent> toStore = new ArrayList<>();
        List<Integer> storedAt = new ArrayList<>();
        Map<String, Long> newChannels = new HashMap<>();
        Map<String, Position> batchKeys = new HashMap<>();
        Map<String, Long> liveBefore = new HashMap<>();
        List<Integer> sameBatchDuplicates = new ArrayList<>();
        boolean storeUsable = true;
        for (HubEvent event : events) {
            if (!event.isMessage()) {
                out.add(event);
                continue;
            }
            if (event.ts() < staleBeforeMs) {
                out.add(event.rejected("not numbered within the publish timeout"));
                continue;
            }
            Retention.Rule rule = retention.of(event.channel());
            String recentKey = recentKey(event);
            Position inBatch = recentKey == null ? null : batchKeys.get(recentKey);
            if (inBatch != null) {
                // answered by the first one with this key: it stands or falls with that one's storing
                sameBatchDuplicates.add(out.size());
                out.add(event.duplicateAt(inBatch.epoch(), inBatch.seq()));
                continue;
            }
            Position known = stored.isEmpty() || event.publicationKey() == null ? null
                    : stored.get(event.channel() + '\n' + event.publicationKey());
            if (known == null && recentKey != null) {
                known = recentKeys.get(recentKey);
            }
            if (known != null) {
                out.add(event.duplicateAt(known.epoch(), known.seq()));
                continue;
            }
            if (rule == null) {
                long[] position = last.computeIfAbsent(event.channel(), c -> new long[]{liveEpoch, 0});
                liveBefore.putIfAbsent(event.channel(), position[1]);
                HubEvent numbered = event.at(position[0], ++position[1]);
                remember(recentKey, numbered, batchKeys);
                out.add(numbered);
                continue;
            }
            long[] position = storeUsable ? storedPosition(event.channel(), newChannels) : null;
            if (position == null) {
                storeUsable = false;
                out.add(event.rejected("history store unavailable"));
                continue;
            }
            HubEvent numbered = event.at(position[0], ++position[1]);
            remember(recentKey, numbered, batchKeys);
            storedAt.add(out.size());
            out.add(numbered);
            toStore.add(numbered);
        }
        if (toStore.isEmpty()) {
            recentKeys.putAll(batchKeys);
            return out;
        }
        try {
            store.append(fence, newChannels, toStore);
            recentKeys.putAll(batchKeys);
            return out;
        } catch (HistoryStore.Fenced e) {
            forget(toStore);
            throw e;
        } catch (HistoryStore.DuplicateKey e) {
            forget(toStore);
            if (retry) {
                Map<String, Position> already = storedKeys(toStore);
                if (already != null) {
                    // numbered again from the start: the live-only channels too
                    liveBefore.forEach((channel, seq) -> last.get(channel)[1] = seq);
                    return number(events, staleBeforeMs, already, false);
                }
            } else {
                LOG.log(Level.WARNING, "history append failed twice on duplicate keys; rejecting the batch", e);
            }
        } catch (HistoryStore.HistoryUnavailable e) {
            forget(toStore);
        }
        Set<String> notStored = new HashSet<>();
        for (int i : storedAt) {
            notStored.add(out.get(i).channel() + '\n' + out.get(i).seq());
        }
        for (int i : sameBatchDuplicates) {
            HubEvent duplicate = out.get(i);
            if (notStored.contains(duplicate.channel() + '\n' + duplicate.seq())) {
                out.set(i, duplicate.rejected("history store unavailable"));
            }
        }
        for (int i : storedAt) {
            HubEvent unstored = out.get(i);
            String recentKey = recentKey(unstored);
            if (recentKey != null) {
                batchKeys.remove(recentKey);
            }
            out.set(i, unstored.rejected("history store unavailable"));
        }
        recentKeys.putAll(batchKeys);
        return out;
    }

    /** The channel's last position (created in a new epoch if it never kept history), or null when the store is down. */
    private long[] storedPosition(String channel, Map<String, Long> newChannels) {
        long[] position = last.get(channel);
        if (position != null) {
            return position;
        }
        if (!tryTakeFence()) {
            return null;
        }
        try {
            Position stored = store.last(channel);
            if (stored == null) {
                long epoch = System.currentTimeMillis();
                newChannels.put(channel, epoch);
                position = new long[]{epoch, 0};
            } else {
                position = new long[]{stored.epoch(), stored.seq()};
            }
            last.put(channel, position);
            return position;
        } catch (HistoryStore.HistoryUnavailable e) {
            return null;
        }
    }

    /** After a failed append the cached positions of its channels may be ahead of the store: read them again. */
    private void forget(List<HubEvent> unstored) {
        for (HubEvent event : unstored) {
            last.remove(event.channel());
        }
    }

    /** Which of the batch's publication keys the store already holds; null when it cannot say. */
    private Map<String, Position> storedKeys(List<HubEvent> batch) {
        Map<String, List<String>> byChannel = new HashMap<>();
        for (HubEvent event : batch) {
            if (event.publicationKey() != null) {
                byChannel.computeIfAbsent(event.channel(), c -> new ArrayList<>()).add(event.publicationKey());
            }
        }
        Map<String, Position> found = new HashMap<>();
        try {
            for (Map.Entry<String, List<String>> channel : byChannel.entrySet()) {
                store.positionsOf(channel.getKey(), channel.getValue())
                        .forEach((key, position) -> found.put(channel.getKey() + '\n' + key, position));
            }
            return found;
        } catch (HistoryStore.HistoryUnavailable e) {
            return null;
        }
    }

    /**
     * Only clients' keys are remembered: a member's own reference comes back only after a
     * takeover, and then the store's unique key finds it ({@link #storedKeys}).
     */
    private static String recentKey(HubEvent event) {
        return event.key() == null ? null : event.channel() + '\n' + event.publicationKey();
    }

    private void remember(String recentKey, HubEvent numbered, Map<String, Position> batchKeys) {
        if (recentKey != null) {
            batchKeys.put(recentKey, new Position(numbered.epoch(), numbered.seq()));
        }
    }
}
