package org.switchboard.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ordered channel rules ({@code switchboard.security.rules}): the first rule whose pattern
 * matches a channel decides every action on it; a channel no rule matches is closed to everyone.
 * Rules are separated by {@code ;} or line breaks.
 */
public final class ChannelRules {

    /** The outcome, with the rule that decided it (null when none matched), for the error message and logs. */
    public record Decision(boolean allowed, ChannelRule rule) {
    }

    private final List<ChannelRule> rules;

    private ChannelRules(List<ChannelRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** @throws IllegalArgumentException naming the rule that cannot be read */
    public static ChannelRules parse(String text) {
        List<ChannelRule> rules = new ArrayList<>();
        for (String line : text.split("[;\\n]")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                rules.add(ChannelRule.parse(line));
            }
        }
        return new ChannelRules(rules);
    }

    public Decision decide(Identity identity, ChannelAction action, String channel) {
        for (ChannelRule rule : rules) {
            Map<String, String> bound = rule.match(channel);
            if (bound != null) {
                return new Decision(rule.allows(identity, action, bound), rule);
            }
        }
        return new Decision(false, null);
    }

    public int size() {
        return rules.size();
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
