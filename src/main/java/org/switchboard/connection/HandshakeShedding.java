package org.switchboard.connection;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.config.HubSettings;
import org.switchboard.container.ContainerAdaptations;
import org.switchboard.container.WorkerBacklog;

import java.util.logging.Logger;

/**
 * Sheds new connections while the member is behind. A storm of handshakes (every client of a lost
 * member arriving at once, or a member that has just started and is not yet compiled) fills the
 * one queue that also holds the reads of every established connection; letting every handshake
 * wait its turn makes each of them take seconds and the established connections with them.
 * Refusing a handshake costs a fraction of accepting one, so while more than
 * {@code switchboard.limits.handshake-backlog} tasks wait for the HTTP workers a handshake is
 * answered 503 with {@code Retry-After} at once: the queue drains, the connections held stay
 * served, and the refused clients come back a little later to a member that can take them.
 * Without the {@code grizzly-worker-backlog} adaptation the backlog is unknown and nothing is shed.
 */
@ApplicationScoped
public class HandshakeShedding {

    private static final Logger LOG = Logger.getLogger(HandshakeShedding.class.getName());

    @Inject
    HubSettings settings;
    @Inject
    ContainerAdaptations adaptations;

    private int limit;

    @PostConstruct
    void decide() {
        limit = settings.handshakeBacklog();
        LOG.info(limit > 0 ? "Switchboard sheds handshakes while more than " + limit + " tasks wait for the HTTP workers"
                : "Switchboard sheds no handshakes (switchboard.limits.handshake-backlog=0)");
    }

    /** Whether the handshake of this request should be refused because the member is behind. */
    public boolean sheds(Object request) {
        if (limit <= 0) {
            return false;
        }
        WorkerBacklog backlog = adaptations.workerBacklog();
        return backlog.waiting(request, limit + 1) > limit;
    }

    public int limit() {
        return limit;
    }
}
