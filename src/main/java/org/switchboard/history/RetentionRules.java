package org.switchboard.history;

import org.switchboard.channel.ChannelName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which channels keep history and how much, from {@code switchboard.history.*} (docs/operations.md):
 * a list of {@code pattern=live} or {@code pattern=<messages>/<age>} rules, first match wins, and
 * the default for every other channel. In a pattern {@code *} matches any characters. With history
 * disabled every channel is live-only. Answers are cached per channel name: the sequencer asks
 * for every publication.
 */
public final class RetentionRules implements Retention {

    private static final int CACHE_LIMIT = 100_000;

    private record Entry(Pattern pattern, Rule rule) {
    }

    private final boolean enabled;
    private final Rule fallback;
    private final List<Entry> entries;
    private final Map<String, Object> cache = new ConcurrentHashMap<>();
    private static final Object LIVE = new Object();

    private RetentionRules(boolean enabled, Rule fallback, List<Entry> entries) {
        this.enabled = enabled;
        this.fallback = fallback;
        this.entries = entries;
    }

    /**
     * @param rules e.g. {@code "cursor.*=live, audit.*=100000/30d"}; ages take s, m, h or d
     * @throws IllegalArgumentException naming the rule that cannot be read
     */
    public static RetentionRules parse(boolean enabled, int maxMessages, String maxAge, String rules) {
        List<Entry> entries = new ArrayList<>();
        if (rules != null) {
            for (String raw : rules.split(",")) {
                String rule = raw.trim();
                if (rule.isEmpty()) {
                    continue;
                }
                int eq = rule.lastIndexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("history rule '" + rule + "' is not pattern=live or pattern=<messages>/<age>");
                }
                String pattern = rule.substring(0, eq).trim();
                String value = rule.substring(eq + 1).trim();
                entries.add(new Entry(glob(pattern), "live".equals(value) ? null : limits(rule, value)));
            }
        }
        return new RetentionRules(enabled, new Rule(maxMessages, age(maxAge)), entries);
    }

    @Override
    public Rule of(String channel) {
        if (!enabled) {
            return null;
        }
        Object cached = cache.get(channel);
        if (cached == null) {
            if (cache.size() > CACHE_LIMIT) {
                cache.clear();
            }
            Rule rule = match(channel);
            cached = rule == null ? LIVE : rule;
            cache.put(channel, cached);
        }
        return cached == LIVE ? null : (Rule) cached;
    }

    public boolean keepsHistory(String channel) {
        return of(channel) != null;
    }

    private Rule match(String channel) {
        if (ChannelName.isWarmUp(channel)) {
            return null;
        }
        for (Entry entry : entries) {
            if (entry.pattern.matcher(channel).matches()) {
                return entry.rule;
            }
        }
        return fallback;
    }

    private static Rule limits(String rule, String value) {
        int slash = value.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("history rule '" + rule + "' is not pattern=live or pattern=<messages>/<age>");
        }
        try {
            int messages = Integer.parseInt(value.substring(0, slash).trim());
            if (messages < 1) {
                throw new IllegalArgumentException("history rule '" + rule + "' must keep at least 1 message");
            }
            return new Rule(messages, age(value.substring(slash + 1).trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("history rule '" + rule + "': " + e.getMessage(), e);
        }
    }

    /** {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, or an ISO-8601 duration such as {@code PT24H}. */
    static long age(String text) {
        long ms = parseAge(text);
        if (ms <= 0) {
            throw new IllegalArgumentException("age '" + text + "' must be positive");
        }
        return ms;
    }

    private static long parseAge(String text) {
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Duration.parse(t).toMillis();
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("age '" + text + "' is not an ISO-8601 duration", e);
            }
        }
        if (t.length() < 2) {
            throw new IllegalArgumentException("age '" + text + "' needs a unit: s, m, h or d");
        }
        long n;
        try {
            n = Long.parseLong(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("age '" + text + "' is not a number with a unit s, m, h or d", e);
        }
        return switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
            case 's' -> Duration.ofSeconds(n).toMillis();
            case 'm' -> Duration.ofMinutes(n).toMillis();
            case 'h' -> Duration.ofHours(n).toMillis();
            case 'd' -> Duration.ofDays(n).toMillis();
            default -> throw new IllegalArgumentException("age '" + text + "' needs a unit: s, m, h or d");
        };
    }

    private static Pattern glob(String pattern) {
        String[] parts = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString());
    }
}
