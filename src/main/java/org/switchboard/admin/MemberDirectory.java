package org.switchboard.admin;

import com.hazelcast.map.IMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.cluster.Grid;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.connection.HubExecutors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The members of the deployment as an operator sees them: every member writes its name,
 * connection count and drain state into a grid map every few seconds, with a time-to-live, so the
 * admin API of any member lists all of them and a dead member drops out by itself. Alone (no
 * grid), the list is this member.
 */
@ApplicationScoped
public class MemberDirectory {

    private static final Logger LOG = Logger.getLogger(MemberDirectory.class.getName());
    static final String MAP = "switchboard.members";
    private static final long PERIOD_SECONDS = 2;
    private static final long TTL_SECONDS = 10;

    @Inject
    Grid grid;
    @Inject
    ConnectionRegistry registry;
    @Inject
    Drain drain;
    @Inject
    HubExecutors executors;

    private ScheduledFuture<?> reports;

    /** One member: its instance name, connections and whether it drains, as of {@code at} (epoch ms). */
    public record MemberView(String member, int connections, boolean draining, long at) {
    }

    public static String instanceName() {
        return System.getProperty("com.sun.aas.instanceName", "server");
    }

    public void start() {
        if (grid.hazelcast().isPresent()) {
            reports = executors.scheduler().scheduleWithFixedDelay(this::report, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
        }
    }

    public void stop() {
        if (reports != null) {
            reports.cancel(false);
        }
        grid.hazelcast().ifPresent(hz -> {
            try {
                hz.getMap(MAP).remove(grid.deploymentId());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "member directory entry not removed", e);
            }
        });
    }

    public List<MemberView> members() {
        if (grid.hazelcast().isEmpty()) {
            return List.of(self());
        }
        List<MemberView> all = new ArrayList<>(List.of(self())); // this member as it is now, the others as last reported
        IMap<String, String> map = grid.hazelcast().orElseThrow().getMap(MAP);
        for (var entry : map.entrySet()) {
            String[] f = entry.getValue().split("\\|", 4);
            if (f.length == 4 && !entry.getKey().equals(grid.deploymentId())) {
                all.add(new MemberView(f[0], Integer.parseInt(f[1]), Boolean.parseBoolean(f[2]), Long.parseLong(f[3])));
            }
        }
        all.sort(Comparator.comparing(MemberView::member));
        return all;
    }

    private MemberView self() {
        return new MemberView(instanceName(), registry.count(), drain.isDraining(), System.currentTimeMillis());
    }

    private void report() {
        try {
            MemberView me = self();
            grid.hazelcast().orElseThrow().<String, String>getMap(MAP).put(grid.deploymentId(),
                    me.member() + "|" + me.connections() + "|" + me.draining() + "|" + me.at(), TTL_SECONDS, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "member directory report failed", e);
        }
    }
}
