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

    /**
     * The status line the hub answers a handshake whose raw query is {@code rawQuery} (sent as is,
     * which {@link URI} would refuse when it is malformed), with the given extra headers.
     */
    public static String rawStatusLine(URL base, String rawQuery, Map<String, String> headers) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String request = RawWebSocket.handshake(base.getHost(), base.getPort(), base.getPath() + "ws?" + rawQuery,
                    "dGhlIHNhbXBsZSBub25jZQ==", headers);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            return in.readLine();
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
