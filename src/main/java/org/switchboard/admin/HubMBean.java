package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.ingress.PublishOutcome;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import java.lang.management.ManagementFactory;
import java.security.AccessController;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Registers the member's {@link HubMXBean} in the platform MBean server, which Payara's JMX
 * connector exposes: registered at start, unregistered at stop, so a redeploy leaves no stale bean.
 */
@ApplicationScoped
public class HubMBean implements HubMXBean {

    private static final Logger LOG = Logger.getLogger(HubMBean.class.getName());
    public static final String NAME = "org.switchboard:type=Hub";
    private static final long SYSTEM_MESSAGE_WAIT_SECONDS = 30;

    @Inject
    HubAdmin admin;

    private ObjectName registered;

    public synchronized void register() {
        try {
            ObjectName name = new ObjectName(NAME);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // left by a deployment that did not stop cleanly
            }
            server.registerMBean(this, name);
            registered = name;
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "the hub's MBean " + NAME + " could not be registered; JMX shows nothing of it", e);
        }
    }

    public synchronized void unregister() {
        if (registered == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
        } catch (JMException e) {
            LOG.log(Level.FINE, "unregistering " + NAME, e);
        }
        registered = null;
    }

    @Override
    public int getConnections() {
        return admin.connectionCount();
    }

    @Override
    public int getChannels() {
        return admin.channelCount();
    }

    @Override
    public long getPublished() {
        return admin.published();
    }

    @Override
    public long getDelivered() {
        return admin.delivered();
    }

    @Override
    public long getSlowConsumerCloses() {
        return admin.slowConsumerCloses();
    }

    @Override
    public boolean isBusReady() {
        return admin.busReady();
    }

    @Override
    public boolean isDraining() {
        return admin.draining();
    }

    @Override
    public int drain() {
        return admin.drain(caller());
    }

    @Override
    public void undrain() {
        admin.undrain(caller());
    }

    @Override
    public boolean disconnect(String connectionId) {
        return admin.disconnect(caller(), connectionId);
    }

    @Override
    public int disconnectSubject(String subject) {
        return admin.disconnectSubject(caller(), subject);
    }

    @Override
    public String systemMessage(String channel, String dataJson) {
        try {
            PublishOutcome outcome = admin.systemMessage(caller(), channel, dataJson).toCompletableFuture()
                    .get(SYSTEM_MESSAGE_WAIT_SECONDS, TimeUnit.SECONDS);
            return outcome instanceof PublishOutcome.Published p ? "published at " + p.epoch() + "/" + p.seq()
                    : "refused: " + ((PublishOutcome.Refused) outcome).error().code() + ": "
                    + ((PublishOutcome.Refused) outcome).error().message();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    /** The JMX user, as the connector authenticated it ("jmx" when it did not say). */
    @SuppressWarnings("removal")
    private static String caller() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (JMXPrincipal principal : subject.getPrincipals(JMXPrincipal.class)) {
                return "jmx:" + principal.getName();
            }
        }
        return "jmx";
    }
}
