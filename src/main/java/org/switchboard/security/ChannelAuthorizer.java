package org.switchboard.security;

import org.switchboard.channel.ChannelName;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.config.SecuritySettings;

import java.util.logging.Logger;

/**
 * Applies {@code switchboard.security.rules} to every subscribe, publish, presence and history
 * request, with the identity captured on the handshake (the WebSocket calls carry no container
 * security context, so {@code @RolesAllowed} cannot be used there). Rules that cannot be read
 * fail the deployment.
 */
@ApplicationScoped
public class ChannelAuthorizer {

    private static final Logger LOG = Logger.getLogger(ChannelAuthorizer.class.getName());

    @Inject
    SecuritySettings settings;

    private ChannelRules rules;

    @PostConstruct
    void start() {
        try {
            rules = ChannelRules.parse(settings.rules());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("switchboard.security.rules: " + e.getMessage(), e);
        }
    }

    /** Logs the rules in force; called at start, which also reads them, so a bad rule fails the deployment. */
    public void report() {
        LOG.info(() -> "Channel rules (first match decides, no match = denied): " + rules);
    }

    /** An authorizer on the given rules, outside a container (unit tests). */
    public static ChannelAuthorizer of(ChannelRules rules) {
        ChannelAuthorizer authorizer = new ChannelAuthorizer();
        authorizer.rules = rules;
        return authorizer;
    }

    public ChannelRules.Decision decide(Identity identity, ChannelAction action, String channel) {
        if (identity.source() == Identity.Source.SYSTEM || ChannelName.isWarmUp(channel)) {
            return new ChannelRules.Decision(identity.source() == Identity.Source.SYSTEM && ChannelName.isWarmUp(channel), null);
        }
        return rules.decide(identity, action, channel);
    }

    /** The error message of a denied request, naming the rule but not the caller's groups. */
    public static String denial(ChannelAction action, String channel, ChannelRules.Decision decision) {
        return "not allowed to " + action.word() + " on '" + channel + "'"
                + (decision.rule() == null ? ": no channel rule matches it" : " (rule '" + decision.rule() + "')");
    }
}
