package org.switchboard.ingress;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.admin.HubMetrics;
import org.switchboard.bus.HubEvent;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishLedger;
import org.switchboard.channel.ChannelName;
import org.switchboard.config.HubSettings;
import org.switchboard.protocol.ErrorCode;
import org.switchboard.protocol.Member;
import org.switchboard.security.ChannelAction;
import org.switchboard.security.ChannelAuthorizer;
import org.switchboard.security.ChannelRules;
import org.switchboard.security.Identity;

/**
 * Publishes for back ends (REST, and later the JMS ingress) exactly as for a WebSocket client:
 * the same channel rules, limits, idempotency keys, numbering and acknowledgement. The message's
 * {@code from} names the caller, and its {@code connection} names the way it came in ({@code rest}),
 * which no client connection id can be (those are 12 lowercase letters and digits).
 */
@ApplicationScoped
public class BackendPublisher {

    /** Keys are 1-128 characters on every path (protocol.md, {@code key}). */
    static final int KEY_MAX = 128;

    @Inject
    MessageBus bus;
    @Inject
    HubSettings settings;
    @Inject
    ChannelAuthorizer authorizer;
    @Inject
    HubMetrics metrics;

    /**
     * Checks and publishes one publication of {@code caller}, arriving by {@code via}; completes when
     * the hub acknowledged it (stored where the channel keeps history, and on its way to every member).
     */
    public CompletionStage<PublishOutcome> publish(Identity caller, String via, Publication publication) {
        ApiError invalid = check(caller, publication);
        if (invalid != null) {
            return CompletableFuture.completedFuture(new PublishOutcome.Refused(invalid));
        }
        CompletableFuture<PublishOutcome> done = new CompletableFuture<>();
        Member from = new Member(via, caller.name(), caller.subject());
        bus.publish(HubEvent.message(publication.channel(), from, publication.dataJson(), publication.key()), (confirmed, failure) -> {
            if (failure == null) {
                boolean duplicate = confirmed.kind() == HubEvent.Kind.DUPLICATE;
                if (!duplicate) {
                    metrics.published();
                }
                done.complete(new PublishOutcome.Published(confirmed.epoch(), confirmed.seq(), duplicate));
            } else {
                String why = failure instanceof PublishLedger.RejectedPublication rejected ? rejected.getMessage() : "message topic unavailable";
                done.complete(new PublishOutcome.Refused(ApiError.of(ErrorCode.UNAVAILABLE, why + "; not published, retry later")));
            }
        });
        return done;
    }

    private ApiError check(Identity caller, Publication publication) {
        String channel = publication.channel();
        if (channel == null || !ChannelName.isValid(channel, settings.channelMaxLength())) {
            return ApiError.of(ErrorCode.INVALID_CHANNEL, ChannelName.rule(settings.channelMaxLength()));
        }
        if (publication.dataJson() == null) {
            return ApiError.of(ErrorCode.MISSING_FIELD, "a publication needs 'data' (any JSON value)");
        }
        String key = publication.key();
        if (key != null && (key.isEmpty() || key.length() > KEY_MAX)) {
            return ApiError.of(ErrorCode.INVALID_FIELD, "'key' must be 1-" + KEY_MAX + " characters");
        }
        int size = publication.dataJson().getBytes(StandardCharsets.UTF_8).length;
        if (size > settings.maxMessageBytes()) {
            return new ApiError(413, "too_big", "'data' is " + size + " bytes; at most " + settings.maxMessageBytes());
        }
        ChannelRules.Decision decision = authorizer.decide(caller, ChannelAction.PUBLISH, channel);
        if (!decision.allowed()) {
            metrics.forbidden();
            return ApiError.of(ErrorCode.FORBIDDEN, ChannelAuthorizer.denial(ChannelAction.PUBLISH, channel, decision));
        }
        return null;
    }
}
