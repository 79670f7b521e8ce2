package org.switchboard.protocol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a raw query string as UTF-8. The container's own parameter maps decode handshake
 * query strings as ISO-8859-1, which would garble non-ASCII display names.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    public static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    /**
     * Whether every {@code %} of a raw query string starts a two-hex-digit escape. Tyrus decodes
     * the query strictly after the upgrade and, on a malformed one, opens a socket that never gets
     * its {@code welcome} (logging a stack trace per attempt); the handshake filter refuses such a
     * query with HTTP 400 instead.
     */
    public static boolean isWellFormed(String rawQuery) {
        if (rawQuery == null) {
            return true;
        }
        for (int i = rawQuery.indexOf('%'); i >= 0; i = rawQuery.indexOf('%', i + 1)) {
            if (i + 2 >= rawQuery.length() || Character.digit(rawQuery.charAt(i + 1), 16) < 0
                    || Character.digit(rawQuery.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }
}
