package org.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Payara's Hazelcast data grid, which every member of a domain already joins. Switchboard uses it
 * for cluster-wide presence and to choose the one member that numbers messages; it stores only
 * strings, so no application class ever has to be loaded by the grid. Without a grid (Hazelcast
 * disabled) the member works alone.
 */
@ApplicationScoped
public class Grid {

    private static final Logger LOG = Logger.getLogger(Grid.class.getName());
    static final String JNDI_NAME = "payara/Hazelcast";

    private HazelcastInstance hazelcast;
    private final String deploymentId = UUID.randomUUID().toString();

    @PostConstruct
    void connect() {
        try {
            hazelcast = (HazelcastInstance) new InitialContext().lookup(JNDI_NAME);
            LOG.info(() -> "Switchboard uses Payara's data grid as member " + memberId());
        } catch (NamingException | ClassCastException | IllegalStateException e) {
            LOG.warning("Payara's data grid is not available (" + e + "): presence and sequencing are local to this member");
        }
    }

    /** A grid on the given instance, for tests outside a container. */
    public static Grid of(HazelcastInstance hazelcast) {
        Grid grid = new Grid();
        grid.hazelcast = hazelcast;
        return grid;
    }

    public Optional<HazelcastInstance> hazelcast() {
        return Optional.ofNullable(hazelcast);
    }

    /** This member's id in the grid (stable while the server runs, new after a restart). */
    public String memberId() {
        return hazelcast == null ? deploymentId : hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /** Unique per start of this application on this member. */
    public String deploymentId() {
        return deploymentId;
    }

    /**
     * True only when the grid says this member is its only one. Without a grid it is false: members
     * without one may still share a broker, and only the grid can tell that nobody else listens.
     */
    public boolean isAlone() {
        return hazelcast != null && hazelcast.getCluster().getMembers().size() == 1;
    }

    /** {@link #isAlone} bound to this instance, not its CDI client proxy, for a caller that asks once per batch. */
    public BooleanSupplier aloneCheck() {
        return this::isAlone;
    }

    public Set<String> liveMemberIds() {
        if (hazelcast == null) {
            return Set.of(memberId());
        }
        return hazelcast.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString)
                .collect(Collectors.toSet());
    }
}
