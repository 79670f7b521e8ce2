package org.switchboard.cluster;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.connection.HubExecutors;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sequencer lease on a real (embedded, loopback-only) Hazelcast grid: its renewals do not
 * queue behind the hub's shared scheduler, which a reconnect storm can keep busy for seconds.
 */
class SequencerLeaseTest {

    private HazelcastInstance hazelcast;
    private HubExecutors executors;
    private SequencerLease lease;
    private final CountDownLatch unblock = new CountDownLatch(1);

    @BeforeEach
    void startGrid() {
        hazelcast = TestGrid.member("sequencer-lease-test-" + UUID.randomUUID(), false);
        executors = HubExecutors.started(Executors.defaultThreadFactory());
        lease = new SequencerLease();
        lease.grid = Grid.of(hazelcast);
        lease.executors = executors;
    }

    @AfterEach
    void stopGrid() {
        unblock.countDown();
        lease.release();
        executors.stop();
        hazelcast.shutdown();
    }

    @Test
    void isTakenWhileTheHubSchedulerIsBusy() throws InterruptedException {
        CountDownLatch schedulerBusy = new CountDownLatch(1);
        executors.scheduler().execute(() -> {
            schedulerBusy.countDown();
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(schedulerBusy.await(5, TimeUnit.SECONDS)).isTrue();

        lease.start();

        await("lease taken although the hub's scheduler is blocked").atMost(20, TimeUnit.SECONDS).until(lease::isHeld);
        assertThat(hazelcast.<String, String>getMap(SequencerLease.MAP).get(SequencerLease.KEY))
                .isEqualTo(lease.grid.deploymentId());
    }

    @Test
    void isGivenBackAtRelease() {
        BooleanSupplier held = lease.heldCheck();
        assertThat(held.getAsBoolean()).isFalse();
        lease.start();
        await().atMost(20, TimeUnit.SECONDS).until(held::getAsBoolean);

        lease.release();

        assertThat(held.getAsBoolean()).as("the sequencer's bound check follows the lease").isFalse();
        assertThat(lease.isHeld()).isFalse();
        assertThat(hazelcast.<String, String>getMap(SequencerLease.MAP).containsKey(SequencerLease.KEY)).isFalse();
    }

    @Test
    void aGridOfOneMemberIsAloneAndNoGridIsNot() {
        assertThat(Grid.of(hazelcast).aloneCheck().getAsBoolean()).isTrue();
        assertThat(new Grid().aloneCheck().getAsBoolean()).as("without a grid, other members may share the broker").isFalse();
    }
}
