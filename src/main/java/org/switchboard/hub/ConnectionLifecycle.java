package org.switchboard.hub;

import org.switchboard.config.DirectBeans;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import org.switchboard.admin.HubMetrics;
import org.switchboard.channel.ChannelName;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.connection.ConnectionRegistry;
import org.switchboard.connection.HubExecutors;
import org.switchboard.connection.SessionSink;
import org.switchboard.protocol.QueryParameters;
import org.switchboard.protocol.CloseCodes;
import org.switchboard.protocol.ProtocolVersion;
import org.switchboard.protocol.ServerFrame;
import org.switchboard.security.Identity;
import org.switchboard.security.IdentityResolver;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/** Opens and closes connections: identity, limits, welcome frame, and clean-up on close. */
@ApplicationScoped
public class ConnectionLifecycle {

    private static final Logger LOG = Logger.getLogger(ConnectionLifecycle.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SLOW_CLOSE_GRACE_MS = 5000;

    @Inject
    HubSettings settings;
    @Inject
    IdentityResolver identities;
    @Inject
    ConnectionRegistry registry;
    @Inject
    ChannelService channels;
    @Inject
    HubExecutors executors;
    @Inject
    HubMetrics metrics;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        registry = DirectBeans.of(ConnectionRegistry.class);
    }

    public void open(Session session) {
        String id = newId();
        Identity identity = identities.resolve(QueryParameters.parse(session.getQueryString()), id)
                .orElseThrow(() -> new IllegalStateException("handshake filter let an invalid identity through"));
        session.setMaxTextMessageBufferSize(settings.maxMessageBytes());
        session.setMaxBinaryMessageBufferSize(settings.maxMessageBytes());
        session.setMaxIdleTimeout(0);
        Connection connection = new Connection(id, identity, new SessionSink(session, executors.scheduler()),
                executors.writers(), settings.sendQueue(), settings.batchMaxBytes(), settings.publishPerSecond(), this::slowConsumer);
        registry.add(session, connection);
        connection.send(ServerFrame.of("welcome", null, null, welcome(connection, session)));
    }

    public Connection connectionOf(Session session) {
        return registry.get(session);
    }

    public void closed(Session session) {
        Connection connection = registry.remove(session);
        if (connection == null) {
            return;
        }
        connection.markClosed();
        channels.unsubscribeAll(connection);
    }

    private void slowConsumer(Connection connection) {
        if (connection.closeAfterDrain(CloseCodes.slowConsumer(), executors.scheduler(), SLOW_CLOSE_GRACE_MS)) {
            metrics.slowConsumer();
            LOG.info(() -> "closed slow consumer " + connection);
        }
    }

    private Map<String, Object> welcome(Connection connection, Session session) {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxMessageBytes", settings.maxMessageBytes());
        limits.put("maxSubscriptions", settings.maxSubscriptions());
        limits.put("maxChannelLength", settings.channelMaxLength());
        limits.put("channelPattern", ChannelName.PATTERN_TEXT);
        limits.put("sendQueue", settings.sendQueue());
        limits.put("publishPerSecond", settings.publishPerSecond());
        Map<String, Object> data = new LinkedHashMap<>();
        String protocol = session.getNegotiatedSubprotocol();
        data.put("protocol", protocol == null || protocol.isEmpty() ? ProtocolVersion.V1 : protocol);
        data.put("connection", connection.id());
        data.put("name", connection.identity().name());
        data.put("heartbeatMs", settings.heartbeatIntervalMs());
        data.put("limits", limits);
        return data;
    }

    private static String newId() {
        return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    }
}
