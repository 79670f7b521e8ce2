package org.switchboard.it.support;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;

/** Handshakes the hub is expected to refuse: the HTTP response the client saw instead of an upgrade. */
public final class Handshakes {

    private Handshakes() {
    }

    /** The refusal of a handshake with exactly these headers; fails if the hub upgrades it. */
    public static HttpResponse<?> refused(URI uri, Map<String, String> headers, String... subprotocols) {
        try {
            HubClient client = HubClient.connect(uri, headers, subprotocols.length == 0 ? new String[]{"switchboard.v1"} : subprotocols);
            client.close();
            throw new AssertionError("the hub upgraded a handshake it should have refused: " + headers.keySet());
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse();
            }
            throw e;
        }
    }

    /** The hub's own origin, as a browser on its pages sends it: {@code http://127.0.0.1:29080}. */
    public static String ownOrigin(URL base) {
        return base.getProtocol() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
    }

    public static URI ws(URL base) {
        return HubClient.endpoint(base, null);
    }
}
