package org.switchboard.hub;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.channel.ChannelName;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishLedger;
import org.switchboard.config.HubSettings;
import org.switchboard.connection.Connection;
import org.switchboard.container.DirectBeans;
import org.switchboard.presence.PresenceRegistry;
import org.switchboard.protocol.ClientRequest;
import org.switchboard.protocol.ErrorCode;
import org.switchboard.protocol.Inbound;
import org.switchboard.protocol.OutboundCodec;
import org.switchboard.protocol.RequestType;
import org.switchboard.security.ChannelAction;
import org.switchboard.security.ChannelAuthorizer;
import org.switchboard.security.ChannelRules;
import org.switchboard.security.Identity;
import org.switchboard.security.TokenVerifier;
import org.switchboard.security.Tokens;

/**
 * Carries out one client request and answers it. Runs on the container thread that read the
 * frame, so it only does in-memory work and hands publications to the bus.
 */
@ApplicationScoped
public class RequestHandler {

    @Inject
    HubSettings settings;
    @Inject
    ChannelService channels;
    @Inject
    PresenceRegistry presence;
    @Inject
    MessageBus bus;
    @Inject
    HubMetrics metrics;
    @Inject
    HistoryRequests history;
    @Inject
    ChannelAuthorizer authorizer;
    @Inject
    Tokens tokens;
    @Inject
    CredentialExpiry expiry;

    /** The per-message path calls these directly, not through client proxies ({@link DirectBeans}). */
    @PostConstruct
    void holdDirectReferences() {
        settings = DirectBeans.of(HubSettings.class);
        channels = DirectBeans.of(ChannelService.class);
        bus = DirectBeans.of(MessageBus.class);
        metrics = DirectBeans.of(HubMetrics.class);
        history = DirectBeans.of(HistoryRequests.class);
        authorizer = DirectBeans.of(ChannelAuthorizer.class);
    }

    public void handle(Connection connection, Inbound inbound) {
        connection.heard();
        if (inbound instanceof Inbound.Request request) {
            handle(connection, request.request());
        } else if (inbound instanceof Inbound.Rejected rejected) {
            error(connection, rejected.id(), rejected.code(), rejected.message());
        }
    }

    public void binaryFrame(Connection connection) {
        connection.heard();
        error(connection, null, ErrorCode.BINARY_NOT_SUPPORTED, "binary frames are not supported; send JSON text frames");
    }

    private void handle(Connection connection, ClientRequest request) {
        if (request.type().needsChannel() && !channels.isValidName(request.channel())) {
            error(connection, request.id(), ErrorCode.INVALID_CHANNEL, ChannelName.rule(settings.channelMaxLength()));
            return;
        }
        ChannelAction action = actionOf(request.type());
        if (action != null) {
            ChannelRules.Decision decision = authorizer.decide(connection.identity(), action, request.channel());
            if (!decision.allowed()) {
                metrics.forbidden();
                error(connection, request.id(), ErrorCode.FORBIDDEN, ChannelAuthorizer.denial(action, request.channel(), decision));
                return;
            }
        }
        switch (request.type()) {
            case SUBSCRIBE -> {
                boolean withHistory = !connection.isSubscribed(request.channel()) && history.keepsHistory(request.channel());
                ErrorCode refused = withHistory ? history.subscribe(connection, request) : channels.subscribe(connection, request.channel());
                if (refused == null) {
                    if (!withHistory) {
                        connection.send(OutboundCodec.ok(request.id()));
                    }
                } else {
                    error(connection, request.id(), refused,
                            "at most " + settings.maxSubscriptions() + " subscriptions per connection");
                }
            }
            case UNSUBSCRIBE -> {
                channels.unsubscribe(connection, request.channel());
                connection.send(OutboundCodec.ok(request.id()));
            }
            case PUBLISH -> publish(connection, request);
            case PRESENCE -> connection.send(OutboundCodec.presence(request.id(), request.channel(),
                    presence.members(request.channel())));
            case PING -> connection.send(OutboundCodec.pong(request.id()));
            case HISTORY -> history.query(connection, request);
            case REFRESH -> refresh(connection, request);
        }
    }

    /** What a request does on its channel, for the channel rules; null for requests without one. */
    private static ChannelAction actionOf(RequestType type) {
        return switch (type) {
            case SUBSCRIBE, HISTORY -> ChannelAction.SUBSCRIBE;
            case PUBLISH -> ChannelAction.PUBLISH;
            case PRESENCE -> ChannelAction.PRESENCE;
            case UNSUBSCRIBE, PING, REFRESH -> null;
        };
    }

    /** A new token for the same subject, replacing the one that is about to expire. */
    private void refresh(Connection connection, ClientRequest request) {
        if (request.token() == null) {
            error(connection, request.id(), ErrorCode.MISSING_FIELD, "field 'token' (string) is required for refresh");
            return;
        }
        if (connection.identity().source() != Identity.Source.TOKEN) {
            error(connection, request.id(), ErrorCode.FORBIDDEN, "only a connection made with a token can refresh it");
            return;
        }
        Identity refreshed;
        try {
            refreshed = tokens.verify(request.token());
        } catch (TokenVerifier.InvalidToken e) {
            error(connection, request.id(), ErrorCode.INVALID_TOKEN, e.getMessage());
            return;
        }
        if (!connection.refresh(refreshed)) {
            error(connection, request.id(), ErrorCode.FORBIDDEN, "a refreshed token must be for the same subject");
            return;
        }
        expiry.watch(connection);
        connection.send(OutboundCodec.refreshed(request.id(), refreshed.expiresAt().toEpochMilli()));
    }

    private void publish(Connection connection, ClientRequest request) {
        if (!connection.tryAcquirePublish()) {
            error(connection, request.id(), ErrorCode.RATE_LIMITED,
                    "at most " + settings.publishPerSecond() + " publications per second; this one was dropped");
            return;
        }
        HubEvent event = HubEvent.message(request.channel(), connection.member(), request.dataJson(), request.key());
        String id = request.id();
        bus.publish(event, (confirmed, failure) -> {
            if (failure == null) {
                boolean duplicate = confirmed.kind() == HubEvent.Kind.DUPLICATE;
                if (!duplicate) {
                    metrics.published();
                }
                connection.send(OutboundCodec.published(id, confirmed.epoch(), confirmed.seq(), duplicate));
            } else if (failure instanceof PublishLedger.RejectedPublication rejected) {
                error(connection, id, ErrorCode.UNAVAILABLE, rejected.getMessage() + "; not published, retry later");
            } else {
                error(connection, id, ErrorCode.UNAVAILABLE, "message topic unavailable; not published, retry later");
            }
        });
    }

    private void error(Connection connection, String id, ErrorCode code, String message) {
        metrics.errorReply();
        connection.send(OutboundCodec.error(id, code, message));
    }
}
