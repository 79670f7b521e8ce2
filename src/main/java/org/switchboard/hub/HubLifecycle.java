package org.switchboard.hub;

import jakarta.inject.Inject;
import org.switchboard.security.ChannelAuthorizer;
import org.switchboard.security.HandshakeAuthenticator;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import org.switchboard.admin.Drain;
import org.switchboard.admin.HubMBean;
import org.switchboard.admin.MemberDirectory;
import org.switchboard.admin.HubMetrics;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishLedger;
import org.switchboard.cluster.SequencerLease;
import org.switchboard.connection.ConnectionCap;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.connection.HubExecutors;
import org.switchboard.container.ContainerAdaptations;
import org.switchboard.container.DirectBeans;
import org.switchboard.ingress.JmsIngress;
import org.switchboard.history.HistoryService;
import org.switchboard.presence.PresenceJanitor;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that starts and stops the hub, in an order that matters (docs/architecture.md,
 * "Start and stop"). A servlet context listener because both ends must run while the web
 * application is alive: at start the WebSocket container must be adapted before the first client
 * connects, and at stop every client must be told to go (1012 over the drain window) before the
 * application's class loader goes away (by the time CDI destroys beans, it has; Tyrus itself would
 * leave the sockets open).
 */
@WebListener
public class HubLifecycle implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(HubLifecycle.class.getName());
    /** At stop: how long the connections' own leave events and this member's last publications may take. */
    static final long DRAIN_MS = 2000;

    @Inject
    ContainerAdaptations adaptations;
    @Inject
    HubExecutors executors;
    @Inject
    HubMetrics metrics;
    @Inject
    ConnectionCap cap;
    @Inject
    MessageBus bus;
    @Inject
    DeliveryPipeline pipeline;
    @Inject
    PublishLedger ledger;
    @Inject
    SequencerLease lease;
    @Inject
    JmsIngress jmsIngress;
    @Inject
    PresenceJanitor janitor;
    @Inject
    Heartbeat heartbeat;

    @Inject
    ConnectionRegistry registry;
    @Inject
    HistoryService history;
    @Inject
    HandshakeAuthenticator authenticator;
    @Inject
    ChannelAuthorizer authorizer;
    @Inject
    Drain drain;
    @Inject
    HubMBean mbean;
    @Inject
    MemberDirectory members;
    @Inject
    SelfWarmUp warmUp;

    private ScheduledFuture<?> watchdog;
    private boolean started;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        // set first: if a step fails, contextDestroyed stops what the earlier steps started (every stop is idempotent)
        started = true;
        // 1. container adaptations first: the WebSocket container hands its executor to every session it creates
        metrics.adaptations(adaptations.start(event.getServletContext(), executors.named("switchboard-tyrus-idle")));
        // 2. threads: the scheduler, and writer threads as the adaptations made them
        executors.start(adaptations.writerThreads());
        // 3. the connection cap, decided and logged now rather than at the first handshake; the security policy
        //    (token keys, channel rules) read now, so a bad key or rule fails the deployment, not the first client
        cap.cap();
        authenticator.report();
        authorizer.report();
        // 4. the history store (schema migrated now), its readers and pruning (by the member that numbers)
        history.start(executors.named("switchboard-history"), lease::isHeld);
        ledger.lateCheck(pending -> history.resolveLate(ledger, pending));
        // 5. the bus, handing every batch to the delivery pipeline; the watchdog answers what it cannot confirm
        DeliveryPipeline direct = DirectBeans.of(DeliveryPipeline.class); // called per batch: no client proxy
        direct.start();
        bus.start(direct);
        watchdog = executors.scheduler().scheduleWithFixedDelay(bus::expireOverdue, 250, 250, TimeUnit.MILLISECONDS);
        // 6. the sequencer lease (alone: this member numbers at once), then the back ends' JMS ingress
        lease.start();
        jmsIngress.start();
        // 7. presence clean-up, which publishes leave events: only now that the bus runs
        janitor.start();
        // 8. heartbeat, and the MBean for JMX tools
        heartbeat.start();
        mbean.register();
        members.start();
        // 9. the warm-up on itself: clients are refused (503) until it is done
        warmUp.start(executors.named("switchboard-warmup"));
        LOG.info("Switchboard started");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (!started || registry == null) {
            return; // the deployment failed before the hub started (or before CDI injected this listener)
        }
        // 1. drain: no new handshakes, every client told 1012 over the drain window (so the other members
        //    of a cluster are not stormed); their closes announce their leave events. Who is left is told 1001.
        mbean.unregister();
        warmUp.stop();
        int told = drain.start();
        try {
            if (told > 0) {
                registry.awaitEmpty(drain.window().toMillis() + DRAIN_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.goingAway();
        members.stop();
        heartbeat.stop();
        janitor.stop();
        try {
            // 2. let those leave events (and publications in flight) come back before the bus goes
            registry.awaitEmpty(DRAIN_MS);
            awaitLedgerDrained(DRAIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // 3. no more back-end publications (the one in hand is finished); another member takes the lease at once
        jmsIngress.stop();
        lease.release();
        // 4. the bus's threads; what is still unanswered is answered as failed
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        bus.stop();
        history.stop();
        // 5. the hub's threads, then the adaptations' own
        executors.stop();
        adaptations.stop();
        started = false;
        LOG.info("Switchboard stopped");
    }

    private void awaitLedgerDrained(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (ledger.awaiting() > 0 && System.nanoTime() < deadline) {
            // the echoes arrive on the bus's own thread; nothing to wait on but time
            TimeUnit.MILLISECONDS.sleep(20);
        }
        if (ledger.awaiting() > 0) {
            LOG.log(Level.INFO, () -> ledger.awaiting() + " publications unconfirmed at stop");
        }
    }
}
