package org.switchboard.history;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.PublishLedger;
import org.switchboard.config.HubSettings;
import org.switchboard.protocol.Position;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The member's access to channel history: the store on the configured DataSource, the retention
 * rules, a small pool of reader threads so no container thread waits on the database (resume,
 * history requests), and the background pruning, which runs on the member that numbers messages.
 * Probing and pruning have a thread of their own: a database that hangs must not delay the hub's
 * scheduler, which runs heartbeats, closes and the publish watchdog.
 */
@ApplicationScoped
public class HistoryService {

    private static final Logger LOG = Logger.getLogger(HistoryService.class.getName());
    private static final int READERS = 2;
    private static final int READ_QUEUE = 10_000;

    @Inject
    HubSettings settings;

    private RetentionRules retention;
    private HistoryStore store;
    private ExecutorService readers;
    private ScheduledExecutorService maintenance;

    /**
     * Reads the rules, looks the DataSource up and migrates the schema (if the database is down
     * now, on first use instead). {@code prunes} says whether this member should prune now.
     */
    public synchronized void start(ThreadFactory threads, BooleanSupplier prunes) {
        retention = RetentionRules.parse(settings.historyEnabled(), settings.historyMaxMessages(),
                settings.historyMaxAge(), settings.historyChannels());
        if (!settings.historyEnabled()) {
            LOG.info("channel history disabled (switchboard.history.enabled=false): every channel is live-only");
            return;
        }
        JdbcHistoryStore jdbc = new JdbcHistoryStore(lookup(settings.historyDataSource()), settings.historyStatementTimeoutS());
        LOG.info("channel history on " + settings.historyDataSource()
                + (jdbc.migrate() ? "" : " (database not reachable now; schema migrated on first use)")
                + "; per-channel rules: " + (settings.historyChannels().isBlank() ? "none" : settings.historyChannels().strip())
                + "; otherwise " + settings.historyMaxMessages() + " messages for " + settings.historyMaxAge());
        start(jdbc, threads);
        maintenance = Executors.newSingleThreadScheduledExecutor(threads);
        // every second while down; every 5 s while up, so a member that does not write notices too
        long[] tick = {0};
        maintenance.scheduleWithFixedDelay(() -> {
            if (!jdbc.isUp() || ++tick[0] % 5 == 0) {
                jdbc.probe();
            }
        }, 1, 1, TimeUnit.SECONDS);
        maintenance.scheduleWithFixedDelay(() -> {
            if (prunes.getAsBoolean()) {
                prune();
            }
        }, settings.historyPruneIntervalMs(), settings.historyPruneIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** Starts on a given store (unit tests). */
    public synchronized void start(HistoryStore store, ThreadFactory threads) {
        if (retention == null) {
            retention = RetentionRules.parse(settings.historyEnabled(), settings.historyMaxMessages(),
                    settings.historyMaxAge(), settings.historyChannels());
        }
        this.store = store;
        readers = new ThreadPoolExecutor(READERS, READERS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(READ_QUEUE), threads);
    }

    public synchronized void stop() {
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
        if (readers != null) {
            readers.shutdownNow();
        }
    }

    /** Removes what retention no longer keeps, at most the configured rows; returns how many. */
    public int prune() {
        HistoryStore s = store;
        if (s == null || !s.isAvailable()) {
            return 0;
        }
        try {
            int removed = s.prune(retention, System.currentTimeMillis(), settings.historyPruneMaxRows());
            if (removed > 0) {
                LOG.fine(() -> "pruned " + removed + " stored messages");
            }
            return removed;
        } catch (HistoryStore.HistoryUnavailable e) {
            LOG.log(Level.FINE, "pruning skipped: " + e.getMessage());
            return 0;
        }
    }

    public Retention retention() {
        return retention;
    }

    public boolean keepsHistory(String channel) {
        return store != null && retention.of(channel) != null;
    }

    /** Null when history is disabled. */
    public HistoryStore store() {
        return store;
    }

    /** Up (or not in use) unless the store's last operation failed; a probe a second finds it back. */
    public boolean isReady() {
        return store == null || store.isUp();
    }

    /** Runs {@code read} on a history reader thread; false when too many reads are waiting. */
    public boolean read(Runnable read) {
        try {
            readers.execute(read);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * The late check of the publish ledger: a publication to a channel with history that got no echo
     * in time is looked up in the store before it is answered. Found, it is published (the members
     * fill the gap from the store); not found, it never will be — the numbering member rejects
     * what is older than half the publish timeout — and it is answered as timed out.
     */
    public boolean resolveLate(PublishLedger ledger, PublishLedger.Pending pending) {
        HubEvent event = pending.event();
        String key = event.publicationKey();
        if (!event.isMessage() || key == null || !keepsHistory(event.channel())) {
            return false;
        }
        return read(() -> {
            try {
                Position stored = store.positionsOf(event.channel(), List.of(key)).get(key);
                if (stored != null) {
                    pending.answer(event.at(stored.epoch(), stored.seq()), null);
                    return;
                }
            } catch (HistoryStore.HistoryUnavailable e) {
                LOG.log(Level.FINE, "late check failed: " + e.getMessage());
            }
            ledger.overdue(pending);
        });
    }

    private static DataSource lookup(String name) {
        try {
            return (DataSource) new InitialContext().lookup(name);
        } catch (NamingException e) {
            throw new IllegalStateException("no DataSource at " + name + " for channel history (switchboard.history.datasource)", e);
        }
    }
}
