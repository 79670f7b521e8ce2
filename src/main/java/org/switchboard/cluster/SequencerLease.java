package org.switchboard.cluster;

import com.hazelcast.map.IMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.connection.HubExecutors;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Elects the one member that numbers messages: a grid entry with a time-to-live that its holder
 * renews every second. When the holder dies the entry expires within {@link #TTL_SECONDS} and
 * another member takes over. A holder whose renewals stop succeeding (a blocked thread, a grid
 * partition) counts itself out {@link #VALID_SECONDS} after the last one, before the entry can
 * expire, so two members never number at once. Alone (no grid), this member always holds it. The grid map keeps its
 * old name, {@value #MAP}, so members of different builds never hold two leases at once.
 * <p>
 * Renewals run on a thread of their own: the hub's shared scheduler falls seconds behind in a
 * reconnect storm (its sweeps walk every connection and every presence entry on a saturated
 * member), and a renewal queued behind it made even a lone member count itself out and step down.
 */
@ApplicationScoped
public class SequencerLease {

    private static final Logger LOG = Logger.getLogger(SequencerLease.class.getName());
    static final String MAP = "switchboard.leader";
    static final String KEY = "sequencer";
    static final long TTL_SECONDS = 5;
    static final long VALID_SECONDS = 3;

    @Inject
    Grid grid;
    @Inject
    HubExecutors executors;

    private volatile boolean held;
    private volatile boolean alone;
    private volatile long renewedAtNanos;
    private volatile boolean lapseReported;
    private ScheduledExecutorService renewals;

    public void start() {
        if (grid.hazelcast().isEmpty()) {
            alone = true;
            held = true;
            return;
        }
        renewals = Executors.newSingleThreadScheduledExecutor(executors.named("switchboard-lease"));
        renewals.scheduleWithFixedDelay(this::renew, 0, 1, TimeUnit.SECONDS);
    }

    /**
     * {@link #isHeld} bound to this instance rather than to its CDI client proxy: the sequencer asks
     * once per batch, and every call through the proxy costs a thread-local entry.
     */
    public BooleanSupplier heldCheck() {
        return this::isHeld;
    }

    public boolean isHeld() {
        if (!held) {
            return false;
        }
        long sinceRenewal = System.nanoTime() - renewedAtNanos;
        if (alone || sinceRenewal < TimeUnit.SECONDS.toNanos(VALID_SECONDS)) {
            return true;
        }
        if (!lapseReported) {
            lapseReported = true;
            LOG.warning("sequencer lease not renewed for " + TimeUnit.NANOSECONDS.toMillis(sinceRenewal)
                    + " ms: this member stops numbering until a renewal succeeds");
        }
        return false;
    }

    void renew() {
        try {
            long attempt = System.nanoTime();
            IMap<String, String> map = grid.hazelcast().orElseThrow().getMap(MAP);
            String me = grid.deploymentId();
            String holder = map.putIfAbsent(KEY, me, TTL_SECONDS, TimeUnit.SECONDS);
            boolean mine = holder == null || holder.equals(me);
            if (mine && holder != null) {
                map.setTtl(KEY, TTL_SECONDS, TimeUnit.SECONDS);
            }
            if (mine) {
                renewedAtNanos = attempt;
                lapseReported = false;
            }
            if (mine != held) {
                LOG.info(mine ? "this member now numbers messages (sequencer)" : "another member numbers messages now");
            }
            held = mine;
        } catch (RuntimeException e) {
            held = false;
            LOG.log(Level.WARNING, "sequencer lease renewal failed", e);
        }
    }

    /** Gives the lease up at shutdown so another member takes over at once. */
    public void release() {
        if (renewals != null) {
            renewals.shutdownNow();
        }
        held = false;
        grid.hazelcast().ifPresent(hz -> {
            try {
                hz.<String, String>getMap(MAP).remove(KEY, grid.deploymentId());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "lease release failed", e);
            }
        });
    }
}
