package org.switchboard.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may open a socket to the hub: the hub's own origin and an allow-list. A browser
 * always sends {@code Origin} on a WebSocket handshake and attaches the user's cookies, so
 * without this check any page the user visits could act as the user (cross-site WebSocket
 * hijacking).
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean any;

    /** @param allowList comma-separated origins ({@code scheme://host[:port]}) besides the hub's own; {@code *} for all */
    public OriginPolicy(String allowList) {
        Set<String> origins = Arrays.stream(allowList.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        any = origins.contains("*");
        allowed = origins.stream().filter(o -> !o.equals("*")).map(OriginPolicy::normalise).collect(Collectors.toSet());
    }

    /**
     * @param origin the handshake's {@code Origin} header (not null)
     * @param scheme {@code http} or {@code https}, as the request arrived
     * @param host the request's {@code Host} header
     */
    public boolean allows(String origin, String scheme, String host) {
        if (any) {
            return true;
        }
        String normalised = normalise(origin);
        return allowed.contains(normalised) || host != null && normalised.equals(normalise(scheme + "://" + host));
    }

    /** Lower case, without the scheme's default port, without a trailing slash. */
    static String normalise(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        if (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.startsWith("http://") && o.endsWith(":80")) {
            o = o.substring(0, o.length() - 3);
        } else if (o.startsWith("https://") && o.endsWith(":443")) {
            o = o.substring(0, o.length() - 4);
        }
        return o;
    }
}
