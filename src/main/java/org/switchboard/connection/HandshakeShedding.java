package org.switchboard.connection;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.config.HubSettings;
import org.switchboard.container.ContainerAdaptations;

import java.util.logging.Logger;

/**
 * Sheds new connections while the member is far behind. A storm of handshakes (every client of a
 * lost member arriving at once, or a member that has just started and is not yet compiled) fills
 * the one queue that also holds the reads of every established connection, and nothing else
 * bounds it. While more than {@code switchboard.limits.handshake-backlog} tasks wait for the HTTP
 * workers a handshake is answered 503 with {@code Retry-After} at once. The bound is a last resort,
 * set well above what an ordinary storm queues: a refusal still runs the servlet pipeline and the
 * client asks again, so a limit the storm keeps reaching turns the member's work into refusals
 * (measured: slower storms and longer waits for the held connections, not shorter).
 * Without the {@code grizzly-worker-backlog} adaptation the backlog is unknown and nothing is shed.
 * <p>
 * The queue is counted at most once per {@value #RECHECK_MS} ms and the answer reused meanwhile: on
 * a long queue each count walks up to the limit's worth of tasks, and in that time the
 * queue changes by a few tasks only.
 */
@ApplicationScoped
public class HandshakeShedding {

    private static final Logger LOG = Logger.getLogger(HandshakeShedding.class.getName());

    @Inject
    HubSettings settings;
    @Inject
    ContainerAdaptations adaptations;

    static final long RECHECK_MS = 20;
    private static final long RECHECK_NANOS = RECHECK_MS * 1_000_000;

    private int limit;
    private volatile long checkedAt = System.nanoTime() - RECHECK_NANOS;
    private volatile boolean behind;

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
        long now = System.nanoTime();
        if (now - checkedAt >= RECHECK_NANOS) {
            checkedAt = now;
            behind = adaptations.workerBacklog().waiting(request, limit + 1) > limit;
        }
        return behind;
    }

    public int limit() {
        return limit;
    }
}
