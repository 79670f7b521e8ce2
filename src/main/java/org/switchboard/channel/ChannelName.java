package org.switchboard.channel;

import java.util.regex.Pattern;

/** The rule for channel names: 1..max characters from a conservative, URL- and log-safe set. */
public final class ChannelName {

    public static final String PATTERN_TEXT = "[A-Za-z0-9._:-]+";
    private static final Pattern PATTERN = Pattern.compile(PATTERN_TEXT);

    private ChannelName() {
    }

    public static boolean isValid(String name, int maxLength) {
        return name != null && !name.isEmpty() && name.length() <= maxLength && PATTERN.matcher(name).matches();
    }

    public static String rule(int maxLength) {
        return "channel name must match " + PATTERN_TEXT + " and be 1-" + maxLength + " characters";
    }
}
