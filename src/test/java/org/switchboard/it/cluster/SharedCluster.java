package org.switchboard.it.cluster;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.switchboard.it.support.JmsPublisherExample;

import java.time.Duration;
import java.util.Map;

/**
 * The one local cluster that every cluster IT of a run shares. Building it (broker, database, DAS,
 * deployment group, two members) takes three to four minutes on the CI box, longer than most tests
 * on it, so it is built once, by the first class that needs it, and torn down when the run ends.
 * Before each class, whatever an earlier class left stopped (a killed member, the broker, the
 * database) is started again and both members must be ready: every class begins on a whole cluster.
 *
 * <p>Register it as a static extension and take {@link #cluster()}.
 */
final class SharedCluster implements BeforeAllCallback, AfterAllCallback {

    private static final LocalCluster CLUSTER = new LocalCluster();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCluster.class);
    private static final Duration READY_BOUND = Duration.ofMinutes(3);

    LocalCluster cluster() {
        return CLUSTER;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Built.class, type -> Built.build(), Built.class);
        CLUSTER.database("start");
        CLUSTER.startBroker();
        for (int member = 1; member <= 2; member++) {
            if (!CLUSTER.isRunning(member)) {
                CLUSTER.restartMember(member);
            }
        }
        Awaitility.await("both members ready").atMost(READY_BOUND).pollInterval(Duration.ofMillis(250))
                .until(() -> CLUSTER.readiness(1) == 200 && CLUSTER.readiness(2) == 200);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        CLUSTER.keepMemberLogs(context.getRequiredTestClass().getSimpleName());
    }

    /**
     * The built cluster, closed (torn down) with the run's root context. A JVM that ends without
     * closing it (a killed fork) still stops it through the shutdown hook.
     */
    private static final class Built implements AutoCloseable {
        private final Thread stopOnExit = new Thread(CLUSTER::stop, "stop-local-cluster");

        static Built build() {
            Built built = new Built();
            Runtime.getRuntime().addShutdownHook(built.stopOnExit);
            try {
                // the union of what the cluster ITs need: the demo sign-in and members accepting each other's
                // pages (DemoFailover); channels named live.* live-only (the database-down test), set in
                // domain.xml: a member restarted by a test did not always see the WAR's own
                // microprofile-config.properties (Payara 6.2025.10). Resume and retention reach far beyond
                // what the tests publish: a client a slow box keeps away for seconds must still resume (the
                // limits themselves have unit tests and HistoryIT). A member being disabled drains its clients
                // over 2 s instead of 10 s: the tests check that they are told and move (UndeployIT checks the spread)
                CLUSTER.start(LocalCluster.war(), Map.of("DEMO", "true", "CONFIG_PROPERTIES", String.join("\n",
                        "switchboard.history.channels=live.*=live",
                        "switchboard.history.resume-max=100000",
                        "switchboard.history.max-messages=100000",
                        "switchboard.drain.window-ms=2000")));
                // a back end on the same cluster, sending to the hub's JMS ingress (the broker-outage test)
                CLUSTER.deploy(JmsPublisherExample.war(), JmsPublisherExample.NAME);
                return built;
            } catch (Exception e) {
                built.close();
                throw new IllegalStateException("building the local cluster failed", e);
            }
        }

        @Override
        public void close() {
            try {
                CLUSTER.stop();
            } finally {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
        }
    }
}
