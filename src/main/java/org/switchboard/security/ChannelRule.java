package org.switchboard.security;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One channel rule: a pattern and, per action, who may do it. Pattern segments are separated by
 * {@code .}: a literal, {@code *} (any one segment), {@code **} (one or more segments, last only) or
 * {@code {claim}} (any one segment, bound to the caller's claim: {@code {sub}} the subject,
 * {@code {group}} one of the caller's groups, any other name that string claim). Actions the rule
 * does not grant are denied: the first rule whose pattern matches decides.
 */
public final class ChannelRule {

    /** Who a grant lets in. */
    sealed interface Who {
        boolean admits(Identity identity, Map<String, String> bound);
    }

    record Anyone() implements Who {
        public boolean admits(Identity identity, Map<String, String> bound) {
            return true;
        }
    }

    record Authenticated() implements Who {
        public boolean admits(Identity identity, Map<String, String> bound) {
            return identity.authenticated();
        }
    }

    record Nobody() implements Who {
        public boolean admits(Identity identity, Map<String, String> bound) {
            return false;
        }
    }

    record Role(String role) implements Who {
        public boolean admits(Identity identity, Map<String, String> bound) {
            return identity.authenticated() && identity.groups().contains(role);
        }
    }

    /** Every placeholder of the pattern is bound to the caller's own value. */
    record Owner() implements Who {
        public boolean admits(Identity identity, Map<String, String> bound) {
            if (!identity.authenticated() || bound.isEmpty()) {
                return false;
            }
            for (Map.Entry<String, String> b : bound.entrySet()) {
                boolean own = "group".equals(b.getKey()) ? identity.groups().contains(b.getValue())
                        : b.getValue().equals(identity.claim(b.getKey()));
                if (!own) {
                    return false;
                }
            }
            return true;
        }
    }

    private final String text;
    private final String[] segments;
    private final boolean tail;
    private final Map<ChannelAction, List<Who>> grants;

    private ChannelRule(String text, String[] segments, boolean tail, Map<ChannelAction, List<Who>> grants) {
        this.text = text;
        this.segments = segments;
        this.tail = tail;
        this.grants = grants;
    }

    /** Parses {@code pattern grant...}, each grant {@code actions=who|who}, e.g. {@code team.{group}.** *=owner}. */
    static ChannelRule parse(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length < 2) {
            throw new IllegalArgumentException("rule '" + text.strip() + "' needs a pattern and at least one grant");
        }
        String pattern = words[0];
        String[] segments = pattern.split("\\.", -1);
        boolean tail = segments[segments.length - 1].equals("**");
        boolean placeholders = false;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty()) {
                throw new IllegalArgumentException("pattern '" + pattern + "' has an empty segment");
            }
            if (s.equals("**") && i != segments.length - 1) {
                throw new IllegalArgumentException("pattern '" + pattern + "': ** only as the last segment");
            }
            if (s.startsWith("{")) {
                if (!s.matches("\\{[A-Za-z_][A-Za-z0-9_-]*}")) {
                    throw new IllegalArgumentException("pattern '" + pattern + "': bad placeholder " + s);
                }
                placeholders = true;
            } else if (!s.equals("*") && !s.equals("**") && !s.matches("[A-Za-z0-9_:-]+")) {
                throw new IllegalArgumentException("pattern '" + pattern + "': bad segment '" + s + "'");
            }
        }
        Map<ChannelAction, List<Who>> grants = new EnumMap<>(ChannelAction.class);
        for (int i = 1; i < words.length; i++) {
            String grant = words[i];
            int eq = grant.indexOf('=');
            if (eq <= 0 || eq == grant.length() - 1) {
                throw new IllegalArgumentException("grant '" + grant + "' must be actions=who");
            }
            List<Who> who = new ArrayList<>();
            for (String w : grant.substring(eq + 1).split("\\|")) {
                Who parsed = who(w);
                if (parsed instanceof Owner && !placeholders) {
                    throw new IllegalArgumentException("rule '" + text.strip() + "': owner needs a {placeholder} in the pattern");
                }
                who.add(parsed);
            }
            String actions = grant.substring(0, eq);
            for (String a : actions.split(",")) {
                if (a.equals("*")) {
                    for (ChannelAction action : ChannelAction.values()) {
                        grants.computeIfAbsent(action, k -> new ArrayList<>()).addAll(who);
                    }
                } else {
                    grants.computeIfAbsent(ChannelAction.of(a), k -> new ArrayList<>()).addAll(who);
                }
            }
        }
        return new ChannelRule(text.strip(), tail ? java.util.Arrays.copyOf(segments, segments.length - 1) : segments, tail, grants);
    }

    private static Who who(String word) {
        return switch (word) {
            case "anyone" -> new Anyone();
            case "authenticated" -> new Authenticated();
            case "nobody" -> new Nobody();
            case "owner" -> new Owner();
            default -> {
                if (word.startsWith("role:") && word.length() > 5) {
                    yield new Role(word.substring(5));
                }
                throw new IllegalArgumentException("unknown who '" + word
                        + "' (anyone, authenticated, nobody, owner or role:NAME)");
            }
        };
    }

    /** The placeholder bindings when {@code channel} matches the pattern, else null. */
    Map<String, String> match(String channel) {
        Map<String, String> bound = Map.of();
        int from = 0;
        for (String segment : segments) {
            if (from > channel.length()) {
                return null;
            }
            int dot = channel.indexOf('.', from);
            int end = dot < 0 ? channel.length() : dot;
            if (end == from) {
                return null;
            }
            if (segment.charAt(0) == '{') {
                if (bound.isEmpty()) {
                    bound = new java.util.HashMap<>(2);
                }
                bound.put(segment.substring(1, segment.length() - 1), channel.substring(from, end));
            } else if (!segment.equals("*")
                    && (end - from != segment.length() || !channel.regionMatches(from, segment, 0, segment.length()))) {
                return null;
            }
            from = end + 1;
        }
        if (tail) {
            return from < channel.length() ? bound : null;
        }
        return from > channel.length() ? bound : null;
    }

    boolean allows(Identity identity, ChannelAction action, Map<String, String> bound) {
        List<Who> who = grants.get(action);
        if (who == null) {
            return false;
        }
        for (Who w : who) {
            if (w.admits(identity, bound)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
