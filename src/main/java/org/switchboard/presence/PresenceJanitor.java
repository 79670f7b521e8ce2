package org.switchboard.presence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.cluster.Grid;
import org.switchboard.cluster.HubEvent;
import org.switchboard.cluster.LeaderLease;
import org.switchboard.cluster.MessageBus;
import org.switchboard.connection.HubExecutors;

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
    LeaderLease lease;
    @Inject
    MessageBus bus;
    @Inject
    HubExecutors executors;

    public void start() {
        if (grid.hazelcast().isEmpty()) {
            return;
        }
        clean(grid.memberId());
        executors.scheduler().scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    void sweep() {
        if (lease.isLeader()) {
            clean(null);
        }
    }

    private void clean(String ownStaleHolder) {
        try {
            for (GridPresenceRegistry.Entry entry : registry.entriesHeldOutside(grid.liveMemberIds(), ownStaleHolder)) {
                if (registry.remove(entry)) {
                    LOG.fine(() -> "presence of " + entry.member() + " on " + entry.channel() + " removed: its member is gone");
                    bus.publish(HubEvent.leave(entry.channel(), entry.member()), error -> { });
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "presence sweep failed", e);
        }
    }
}
