package org.switchboard.channel;

/** The rule for channel names: 1..max characters from a conservative, URL- and log-safe set. */
public final class ChannelName {

    public static final String PATTERN_TEXT = "[A-Za-z0-9._:-]+";
    /** Channels the member's own warm-up uses (live-only, nobody else's): see {@code hub.SelfWarmUp}. */
    public static final String WARM_UP_PREFIX = "switchboard-warm-up.";

    private ChannelName() {
    }

    public static boolean isValid(String name, int maxLength) {
        if (name == null || name.isEmpty() || name.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!allowed(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #PATTERN_TEXT} by hand: checked on every publication, where a regex matcher is garbage. */
    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '-';
    }

    public static boolean isWarmUp(String name) {
        return name.startsWith(WARM_UP_PREFIX);
    }

    public static String rule(int maxLength) {
        return "channel name must match " + PATTERN_TEXT + " and be 1-" + maxLength + " characters";
    }
}
