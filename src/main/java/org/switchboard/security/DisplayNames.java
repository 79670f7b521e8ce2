package org.switchboard.security;

/**
 * The rule for display names, whoever supplies them: 1 to {@value #MAX_CODE_POINTS} code points,
 * Unicode white space trimmed, no control characters. An issuer's claim that breaks the rule is
 * cleaned (the subject is never refused for its name); a self-chosen anonymous name is refused.
 */
public final class DisplayNames {

    public static final int MAX_CODE_POINTS = 64;

    private DisplayNames() {
    }

    /** The trimmed name, or null when it breaks the rule. */
    public static String valid(String name) {
        if (name == null) {
            return null;
        }
        String trimmed = trim(name);
        int count = trimmed.codePointCount(0, trimmed.length());
        if (count == 0 || count > MAX_CODE_POINTS || trimmed.codePoints().anyMatch(Character::isISOControl)) {
            return null;
        }
        return trimmed;
    }

    /** The first usable of the given claims, cleaned; the last one (the subject) always yields a name. */
    public static String fromClaims(String... candidates) {
        for (String candidate : candidates) {
            String clean = clean(candidate);
            if (clean != null) {
                return clean;
            }
        }
        return "?";
    }

    private static String clean(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        trim(raw).codePoints().filter(c -> !Character.isISOControl(c)).limit(MAX_CODE_POINTS).forEach(out::appendCodePoint);
        return out.isEmpty() ? null : out.toString();
    }

    /**
     * Trims Unicode white space, including the no-break and ideographic spaces {@link String#strip}
     * keeps, but not control characters (tab, line feed), which make a name invalid wherever they are.
     */
    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && blank(s.codePointAt(from))) {
            from += Character.charCount(s.codePointAt(from));
        }
        while (to > from && blank(s.codePointBefore(to))) {
            to -= Character.charCount(s.codePointBefore(to));
        }
        return s.substring(from, to);
    }

    private static boolean blank(int c) {
        return !Character.isISOControl(c) && (Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    public static String rule() {
        return "name must be 1-" + MAX_CODE_POINTS + " characters without control characters";
    }
}
