package org.switchboard.presence;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.bus.BatchHandler;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishCallback;
import org.switchboard.cluster.Grid;
import org.switchboard.cluster.SequencerLease;
import org.switchboard.cluster.TestGrid;
import org.switchboard.protocol.Member;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The presence janitor on a real (embedded, loopback-only) two-member Hazelcast grid: it removes
 * and announces the entries of a member that left, and reads the whole presence map only when
 * the membership or the lease changed, or at the slow full scan — not on every check.
 */
class PresenceJanitorTest {

    private static final String CHANNEL = "room";

    private HazelcastInstance first;
    private HazelcastInstance second;
    private final HeldLease lease = new HeldLease();
    private final RecordingBus bus = new RecordingBus();
    private final long[] now = {0};
    private GridPresenceRegistry registry;
    private PresenceJanitor janitor;

    @BeforeEach
    void startGrid() {
        String cluster = "presence-janitor-test-" + UUID.randomUUID();
        first = TestGrid.member(cluster, true);
        second = TestGrid.member(cluster, true);
        await("both members in one grid").atMost(30, TimeUnit.SECONDS)
                .until(() -> first.getCluster().getMembers().size() == 2);
        await("no partition migrating").atMost(30, TimeUnit.SECONDS).until(() -> first.getPartitionService().isClusterSafe());
        registry = registryOn(first);
        janitor = new PresenceJanitor();
        janitor.grid = registry.grid;
        janitor.registry = registry;
        janitor.lease = lease;
        janitor.bus = bus;
        janitor.clock = () -> now[0];
    }

    @AfterEach
    void stopGrid() {
        second.shutdown();
        first.shutdown();
    }

    @Test
    void removesAndAnnouncesTheEntriesOfAMemberThatLeft() {
        Member ann = new Member("c-ann", "Ann");
        Member bob = new Member("c-bob", "Bob");
        registryOn(second).join(CHANNEL, ann);
        registry.join(CHANNEL, bob);

        janitor.sweep();
        assertThat(registry.members(CHANNEL)).containsExactly(ann, bob);

        second.shutdown();
        await("the first member sees the second one gone").atMost(30, TimeUnit.SECONDS)
                .until(() -> first.getCluster().getMembers().size() == 1);
        await("the departed member's entry removed by the checks").atMost(30, TimeUnit.SECONDS).until(() -> {
            janitor.sweep();
            return registry.members(CHANNEL).equals(List.of(bob));
        });
        assertThat(bus.published).singleElement().satisfies(leave -> {
            assertThat(leave.kind()).isEqualTo(HubEvent.Kind.LEAVE);
            assertThat(leave.channel()).isEqualTo(CHANNEL);
            assertThat(leave.from()).isEqualTo(ann);
        });
    }

    @Test
    void readsThePresenceMapOnlyWhenTheMembershipOrTheLeaseChangedOrAtTheFullScan() {
        janitor.sweep();
        String ghost = GridPresenceRegistry.encode(new Member("c-ghost", "Ghost"), "a-member-that-left");
        first.<String, String>getMultiMap(GridPresenceRegistry.MAP).put(CHANNEL, ghost);

        janitor.sweep();
        assertThat(registry.members(CHANNEL)).as("unchanged membership: the map is not read").hasSize(1);

        now[0] += TimeUnit.SECONDS.toNanos(PresenceJanitor.FULL_SCAN_SECONDS);
        janitor.sweep();
        assertThat(registry.members(CHANNEL)).as("the full scan is due").isEmpty();

        first.<String, String>getMultiMap(GridPresenceRegistry.MAP).put(CHANNEL, ghost);
        lease.holding = false;
        janitor.sweep();
        assertThat(registry.members(CHANNEL)).as("only the lease holder cleans").hasSize(1);
        lease.holding = true;
        janitor.sweep();
        assertThat(registry.members(CHANNEL)).as("a member that takes the lease scans at once").isEmpty();

        first.<String, String>getMultiMap(GridPresenceRegistry.MAP).put(CHANNEL, ghost);
        second.shutdown();
        await("the first member sees the second one gone").atMost(30, TimeUnit.SECONDS)
                .until(() -> first.getCluster().getMembers().size() == 1);
        await("a changed membership is scanned (again until a scan is clean)").atMost(30, TimeUnit.SECONDS).until(() -> {
            janitor.sweep();
            return registry.members(CHANNEL).isEmpty();
        });
        assertThat(bus.published).hasSize(3).allMatch(e -> e.kind() == HubEvent.Kind.LEAVE);
    }

    private static GridPresenceRegistry registryOn(HazelcastInstance member) {
        GridPresenceRegistry registry = new GridPresenceRegistry();
        registry.grid = Grid.of(member);
        return registry;
    }

    /** The lease, held or not as the test says (its own renewal is {@code SequencerLeaseTest}'s). */
    private static final class HeldLease extends SequencerLease {
        volatile boolean holding = true;

        @Override
        public boolean isHeld() {
            return holding;
        }
    }

    /** Records what the janitor announces; confirms nothing (the janitor does not wait). */
    private static final class RecordingBus implements MessageBus {
        final List<HubEvent> published = new CopyOnWriteArrayList<>();

        @Override
        public void start(BatchHandler handler) {
        }

        @Override
        public void publish(HubEvent event, PublishCallback done) {
            published.add(event);
        }

        @Override
        public void expireOverdue() {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void stop() {
        }
    }
}
