package org.switchboard.hub;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import org.switchboard.admin.HubMetrics;
import org.switchboard.channel.ChannelName;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.connection.FrameSink;
import org.switchboard.connection.HubExecutors;
import org.switchboard.connection.SessionSink;
import org.switchboard.container.ContainerAdaptations;
import org.switchboard.container.DirectBeans;
import org.switchboard.protocol.CloseCodes;
import org.switchboard.protocol.InboundFrames;
import org.switchboard.protocol.OutboundCodec;
import org.switchboard.protocol.ProtocolVersion;
import org.switchboard.protocol.Welcome;
import org.switchboard.security.HandshakeAuthenticator;
import org.switchboard.security.HubPrincipal;
import org.switchboard.security.Identity;

import java.security.SecureRandom;
import java.util.logging.Logger;

/**
 * Opens and closes connections: the identity the handshake established, limits, the welcome
 * envelope, the credential's expiry, and clean-up on close.
 */
@ApplicationScoped
public class ConnectionLifecycle {

    private static final Logger LOG = Logger.getLogger(ConnectionLifecycle.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SLOW_CLOSE_GRACE_MS = 5000;

    @Inject
    HubSettings settings;
    @Inject
    HandshakeAuthenticator authenticator;
    @Inject
    CredentialExpiry expiry;
    @Inject
    ConnectionRegistry registry;
    @Inject
    ChannelService channels;
    @Inject
    HubExecutors executors;
    @Inject
    HubMetrics metrics;
    @Inject
    ContainerAdaptations adaptations;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        registry = DirectBeans.of(ConnectionRegistry.class);
    }

    public void open(Session session) {
        String id = newId();
        if (!(session.getUserPrincipal() instanceof HubPrincipal principal)) {
            throw new IllegalStateException("a session opened without passing the handshake filter");
        }
        Identity identity = principal.identity();
        if (identity.name() == null) {
            identity = identity.named("guest-" + id);
        }
        session.setMaxTextMessageBufferSize(settings.maxMessageBytes());
        session.setMaxBinaryMessageBufferSize(settings.maxMessageBytes());
        session.setMaxIdleTimeout(0);
        String protocol = session.getNegotiatedSubprotocol();
        Connection connection = connect(id, identity, new SessionSink(session, executors.scheduler(), adaptations.frameWriters()));
        connection.address(principal.address());
        InboundFrames frames = new InboundFrames(settings.maxMessageBytes());
        if (adaptations.inboundInspection().install(session, frames, violation -> refusedFrame(connection, violation))) {
            connection.inbound(frames);
        }
        authenticator.opened(principal);
        registry.add(session, connection);
        welcome(connection, protocol == null || protocol.isEmpty() ? ProtocolVersion.V1 : protocol);
        expiry.watch(connection);
    }

    /** A connection over {@code sink}, not yet registered nor welcomed. */
    Connection connect(String id, Identity identity, FrameSink sink) {
        return new Connection(id, identity, sink, executors.writers(), settings.sendQueue(),
                settings.batchMaxBytes(), settings.publishPerSecond(), this::slowConsumer);
    }

    /** Sends the {@code welcome} envelope, the first the client receives. */
    void welcome(Connection connection, String protocol) {
        Identity identity = connection.identity();
        connection.send(OutboundCodec.welcome(new Welcome(protocol, connection.id(), identity.name(), identity.subject(),
                identity.expiresAt() == null ? null : identity.expiresAt().toEpochMilli(), settings.heartbeatIntervalMs(), new Welcome.Limits(settings.maxMessageBytes(), settings.maxSubscriptions(),
                settings.channelMaxLength(), ChannelName.PATTERN_TEXT, settings.sendQueue(), settings.publishPerSecond()))));
    }

    public Connection connectionOf(Session session) {
        return registry.get(session);
    }

    public void closed(Session session) {
        Connection connection = registry.remove(session);
        if (connection != null) {
            closed(connection);
        }
    }

    /** The socket is gone: stop queueing, leave every channel. */
    void closed(Connection connection) {
        connection.markClosed();
        connection.expiry(null);
        if (connection.address() != null) {
            authenticator.closed(connection.address(), connection.identity().subject());
        }
        channels.unsubscribeAll(connection);
    }

    private void refusedFrame(Connection connection, InboundFrames.Violation violation) {
        if (connection.closeAfterFlush(CloseCodes.refusedFrame(violation), executors.scheduler(), SLOW_CLOSE_GRACE_MS)) {
            metrics.refusedFrame(violation.closeCode());
            LOG.fine(() -> "closed " + connection + ": " + violation.reason());
        }
    }

    /** A text message over the limit that reached the decoder (the container's input is not inspected). */
    public void tooBig(Connection connection) {
        if (connection.close(CloseCodes.tooBig(settings.maxMessageBytes()))) {
            metrics.refusedFrame(CloseCodes.TOO_BIG);
        }
    }

    private void slowConsumer(Connection connection) {
        if (connection.closeAfterDrain(CloseCodes.slowConsumer(), executors.scheduler(), SLOW_CLOSE_GRACE_MS)) {
            metrics.slowConsumer();
            LOG.info(() -> "closed slow consumer " + connection);
        }
    }

    private static String newId() {
        return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    }
}
