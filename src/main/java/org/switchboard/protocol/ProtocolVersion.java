package org.switchboard.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Versions negotiated through {@code Sec-WebSocket-Protocol}. Later versions are added here
 * and served beside v1.
 */
public final class ProtocolVersion {
    public static final String V1 = "switchboard.v1";
    public static final List<String> SUPPORTED = List.of(V1);

    private ProtocolVersion() {
    }

    /**
     * Picks the version to speak from the client's offer (in the client's order of
     * preference). An empty offer means the client did not ask for any subprotocol and is
     * served v1; {@code null} means nothing offered is supported.
     */
    public static String negotiate(List<String> offered) {
        if (offered == null || offered.isEmpty()) {
            return V1;
        }
        for (String candidate : offered) {
            if (SUPPORTED.contains(candidate.trim())) {
                return candidate.trim();
            }
        }
        return null;
    }

    /** Splits a raw {@code Sec-WebSocket-Protocol} header value (comma separated). */
    public static List<String> parseHeader(String header) {
        List<String> offered = new ArrayList<>(2);
        addOffered(header, offered);
        return offered;
    }

    /** Adds what one raw header value offers to {@code offered}: plain loops, as every handshake runs this. */
    public static void addOffered(String header, List<String> offered) {
        if (header == null) {
            return;
        }
        for (String part : header.split(",")) {
            String name = part.trim();
            if (!name.isEmpty()) {
                offered.add(name);
            }
        }
    }
}
