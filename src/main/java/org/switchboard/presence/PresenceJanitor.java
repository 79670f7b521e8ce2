package org.switchboard.presence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.cluster.Grid;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.cluster.SequencerLease;
import org.switchboard.connection.HubExecutors;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes presence entries whose connections cannot exist any more, and announces their
 * {@code leave}: entries of grid members that have left the cluster (crashed or stopped), and —
 * once at start — entries this member left behind before a redeploy.
 * <p>
 * Finding them means reading every presence entry of the grid, which on a full member is a copy
 * of tens of thousands of entries. So the sequencer's member looks every {@link #CHECK_SECONDS} s
 * only at the grid's membership, and reads the entries when it differs from the membership of
 * its last clean scan, when it has just taken the lease, and every {@link #FULL_SCAN_SECONDS} s
 * whatever happens (a merge after a split). After a change it scans again on every check until
 * one scan finds nothing stale, so an entry written by a member on its way out is not missed.
 * (Each partition's part of a scan runs on that partition's owner, after any migration of it;
 * the grid's own "safe" check was not used: it asks every member and can hold the hub's shared
 * scheduler for seconds while one does not answer.)
 */
@ApplicationScoped
public class PresenceJanitor {

    private static final Logger LOG = Logger.getLogger(PresenceJanitor.class.getName());
    static final long CHECK_SECONDS = 2;
    static final long FULL_SCAN_SECONDS = 60;

    @Inject
    Grid grid;
    @Inject
    GridPresenceRegistry registry;
    @Inject
    SequencerLease lease;
    @Inject
    MessageBus bus;
    @Inject
    HubExecutors executors;

    LongSupplier clock = System::nanoTime;

    private ScheduledFuture<?> sweeps;
    /** The membership the last scan found clean under, or null when the next check must scan. */
    private Set<String> cleanUnder;
    private long lastScan;

    /** Needs a running bus: the clean-up at start publishes leave events. */
    public synchronized void start() {
        if (grid.hazelcast().isEmpty()) {
            return;
        }
        clean(grid.liveMemberIds(), grid.memberId());
        sweeps = executors.scheduler().scheduleWithFixedDelay(this::sweep, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    public synchronized void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
    }

    /** One check, on the scheduler's thread only. */
    void sweep() {
        if (!lease.isHeld()) {
            cleanUnder = null;
            return;
        }
        Set<String> alive = grid.liveMemberIds();
        long now = clock.getAsLong();
        if (alive.equals(cleanUnder) && now - lastScan < TimeUnit.SECONDS.toNanos(FULL_SCAN_SECONDS)) {
            return;
        }
        int stale = clean(alive, null);
        lastScan = now;
        cleanUnder = stale == 0 ? alive : null;
    }

    /** Removes and announces the stale entries; how many it found, or -1 if the grid could not be read. */
    private int clean(Set<String> alive, String ownStaleHolder) {
        List<GridPresenceRegistry.Entry> stale;
        try {
            stale = registry.entriesHeldOutside(alive, ownStaleHolder);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "presence sweep failed", e);
            return -1;
        }
        // one entry that cannot be removed or announced must not keep the others
        for (GridPresenceRegistry.Entry entry : stale) {
            try {
                if (registry.remove(entry)) {
                    LOG.fine(() -> "presence of " + entry.member() + " on " + entry.channel() + " removed: its member is gone");
                    bus.publish(HubEvent.leave(entry.channel(), entry.member()), (confirmed, error) -> { });
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "presence entry " + entry.raw() + " not cleaned", e);
            }
        }
        return stale.size();
    }
}
