package org.switchboard.endpoint;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.switchboard.connection.Connection;
import org.switchboard.container.ContainerAdaptations;
import org.switchboard.container.DirectBeans;
import org.switchboard.container.SharedEndpointConfigurator;
import org.switchboard.hub.ConnectionLifecycle;
import org.switchboard.hub.RequestHandler;
import org.switchboard.protocol.CloseCodes;
import org.switchboard.protocol.Inbound;
import org.switchboard.protocol.InboundDecoder;
import org.switchboard.protocol.ProtocolVersion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket endpoint of protocol v1. Deliberately thin: it decodes frames and hands every
 * event to CDI beans. Handshake refusals happen earlier, in {@link HandshakeFilter}. It holds no
 * per-connection state, so one instance serves all connections ({@link SharedEndpointConfigurator}).
 * <p>
 * For the same reason it holds one {@link InboundDecoder} rather than declaring it in
 * {@code decoders}: Tyrus makes a declared decoder for every connection on its first frame, as a
 * CDI managed object created under a lock all connections share (Tyrus' {@code CdiComponentProvider}),
 * and releases it at close. The decoder is stateless, so one serves every connection.
 */
@ApplicationScoped
@ServerEndpoint(value = "/ws", subprotocols = {ProtocolVersion.V1}, configurator = SharedEndpointConfigurator.class)
public class HubEndpoint {

    private static final Logger LOG = Logger.getLogger(HubEndpoint.class.getName());

    @Inject
    ConnectionLifecycle lifecycle;
    @Inject
    RequestHandler requests;
    @Inject
    ContainerAdaptations adaptations;
    private InboundDecoder decoder;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        lifecycle = DirectBeans.of(ConnectionLifecycle.class);
        requests = DirectBeans.of(RequestHandler.class);
        adaptations = DirectBeans.of(ContainerAdaptations.class);
        decoder = InboundDecoder.configured();
    }

    @OnOpen
    public void open(Session session) {
        adaptations.idleTimeouts().redirect(session);
        adaptations.handshakeRelease().release(session);
        lifecycle.open(session);
    }

    @OnMessage
    public void text(Session session, String frame) {
        Connection connection = lifecycle.connectionOf(session);
        if (connection == null) {
            return;
        }
        Inbound inbound = decoder.decode(frame);
        if (inbound instanceof Inbound.TooLarge) {
            lifecycle.tooBig(connection);
        } else {
            requests.handle(connection, inbound);
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer frame) {
        Connection connection = lifecycle.connectionOf(session);
        if (connection != null) {
            requests.binaryFrame(connection);
        }
    }

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        Connection connection = lifecycle.connectionOf(session);
        if (connection != null) {
            connection.heard();
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        lifecycle.closed(session);
    }

    /**
     * I/O errors end the connection by themselves. A message Tyrus found too big (a fragmented one,
     * where the input is not inspected) is answered with 1009; anything else is a fault of the hub
     * while handling this client's input: logged, and answered with 1011 rather than silence.
     */
    @OnError
    public void error(Session session, Throwable error) {
        if (error instanceof IOException) {
            LOG.log(Level.FINE, "WebSocket I/O error", error);
            return;
        }
        Connection connection = lifecycle.connectionOf(session);
        if (error.getClass().getSimpleName().equals("MessageTooBigException")) {
            if (connection != null) {
                lifecycle.tooBig(connection);
            }
            return;
        }
        LOG.log(Level.WARNING, "unexpected error on " + (connection == null ? "a connection being opened" : connection)
                + "; closing it with 1011", error);
        if (connection != null) {
            connection.close(CloseCodes.internalError());
        } else {
            try {
                session.close(CloseCodes.internalError());
            } catch (IOException e) {
                LOG.log(Level.FINE, "close failed", e);
            }
        }
    }
}
