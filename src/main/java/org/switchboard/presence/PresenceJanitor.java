package org.switchboard.presence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.cluster.Grid;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.cluster.SequencerLease;
import org.switchboard.connection.HubExecutors;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes presence entries whose connections cannot exist any more, and announces their
 * {@code leave}: entries of grid members that have left the cluster (crashed or stopped), swept
 * by the sequencer's member every {@link #SWEEP_SECONDS} s, and — once at start — entries this
 * member left behind before a redeploy.
 */
@ApplicationScoped
public class PresenceJanitor {

    private static final Logger LOG = Logger.getLogger(PresenceJanitor.class.getName());
    static final long SWEEP_SECONDS = 2;

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

    private ScheduledFuture<?> sweeps;

    /** Needs a running bus: the clean-up at start publishes leave events. */
    public synchronized void start() {
        if (grid.hazelcast().isEmpty()) {
            return;
        }
        clean(grid.memberId());
        sweeps = executors.scheduler().scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    public synchronized void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
    }

    void sweep() {
        if (lease.isHeld()) {
            clean(null);
        }
    }

    private void clean(String ownStaleHolder) {
        List<GridPresenceRegistry.Entry> stale;
        try {
            stale = registry.entriesHeldOutside(grid.liveMemberIds(), ownStaleHolder);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "presence sweep failed", e);
            return;
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
    }
}
