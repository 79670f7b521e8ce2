package org.switchboard.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import org.assertj.core.api.Condition;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A real WebSocket client of protocol v1 (the JDK's java.net.http.WebSocket) that records every
 * envelope it receives, so tests can wait for the frames they expect.
 */
public final class HubClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<JsonObject> received = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason = "";
    private final AtomicLong ids = new AtomicLong();
    private final String idPrefix;
    private WebSocket socket;

    private HubClient(String idPrefix) {
        this.idPrefix = idPrefix;
        closeCode.whenComplete((code, error) -> {
            synchronized (received) {
                received.notifyAll();
            }
        });
    }

    /**
     * The hub's WebSocket URI; {@code name} rides as the query parameter anonymous mode reads (the
     * {@link #connect(URI, String...)} token is issued to it too).
     */
    public static URI endpoint(URL base, String name) {
        String http = base.toExternalForm();
        String ws = http.replaceFirst("^http", "ws") + (http.endsWith("/") ? "" : "/") + "ws";
        return URI.create(name == null ? ws : ws + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    /** Connects as a back-end client would: {@code Authorization: Bearer} with a {@link TestTokens} token for {@code name}. */
    public static HubClient connect(URL base, String name) {
        return connect(endpoint(base, name), "switchboard.v1");
    }

    /** Connects with a token for the URI's {@code name} parameter (a fresh guest subject without one). */
    public static HubClient connect(URI uri, String... subprotocols) {
        String name = nameOf(uri);
        return connect(uri, Map.of("Authorization", "Bearer " + TestTokens.token(name == null ? "guest-" + GUESTS.incrementAndGet() : name)),
                subprotocols);
    }

    /** Connects with exactly the given handshake headers (no token unless they carry one). */
    public static HubClient connect(URI uri, Map<String, String> headers, String... subprotocols) {
        HubClient client = new HubClient("r");
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        try {
            client.socket = builder.buildAsync(uri, client.listener()).orTimeout(30, TimeUnit.SECONDS).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                e.addSuppressed(new IllegalStateException("handshake refused: HTTP " + refused.getResponse().statusCode()
                        + " " + refused.getResponse().body()));
            }
            throw e;
        }
        return client;
    }

    private static final AtomicLong GUESTS = new AtomicLong();

    private static String nameOf(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("name=")) {
                return java.net.URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public JsonObject welcome() {
        return await(e -> "welcome".equals(e.getString("type", null)));
    }

    /** Sends a request with a fresh id and returns the id. */
    public String request(String type, String channel, JsonValue data) {
        String id = idPrefix + ids.incrementAndGet();
        JsonObjectBuilder envelope = Json.createObjectBuilder().add("type", type).add("id", id);
        if (channel != null) {
            envelope.add("channel", channel);
        }
        if (data != null) {
            envelope.add("data", data);
        }
        sendText(envelope.build().toString());
        return id;
    }

    /** Sends {@code envelope} (any fields) with a fresh id and waits for the answer to that id. */
    public JsonObject call(JsonObjectBuilder envelope) {
        String id = idPrefix + ids.incrementAndGet();
        sendText(envelope.add("id", id).build().toString());
        return reply(id);
    }

    /** Sends a request and waits for its reply (or presence/pong answer). */
    public JsonObject call(String type, String channel, JsonValue data) {
        return reply(request(type, channel, data));
    }

    public JsonObject subscribe(String channel) {
        JsonObject reply = call("subscribe", channel, null);
        if (!isOk(reply)) {
            throw new AssertionError("subscribe failed: " + reply);
        }
        return reply;
    }

    public void sendText(String text) {
        socket.sendText(text, true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    public JsonObject reply(String id) {
        return await(e -> id.equals(e.getString("id", null)));
    }

    /** An ok reply, for {@code assertThat(reply).is(OK)}: a failure shows the reply, error code and message included. */
    public static final Condition<Map<String, JsonValue>> OK =
            new Condition<>(reply -> reply instanceof JsonObject object && isOk(object), "an ok reply");

    public static boolean isOk(JsonObject reply) {
        return "reply".equals(reply.getString("type")) && reply.getJsonObject("data").getBoolean("ok");
    }

    public static String errorCode(JsonObject reply) {
        return reply.getJsonObject("data").getJsonObject("error").getString("code");
    }

    public JsonObject await(Predicate<JsonObject> match) {
        return awaitCount(match, 1).get(0);
    }

    /** Waits until at least {@code count} received envelopes match; returns them in arrival order. */
    public List<JsonObject> awaitCount(Predicate<JsonObject> match, int count) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (received) {
            while (true) {
                List<JsonObject> found = received.stream().filter(match).toList();
                if (found.size() >= count) {
                    return found;
                }
                if (closeCode.isDone()) {
                    throw new ConnectionClosed("connection closed (" + closeDescription() + ") while waiting for " + count
                            + " matching frames, got " + found.size());
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for " + count + " matching frames, got " + found.size()
                            + "; last frames: " + received.subList(Math.max(0, received.size() - 5), received.size()));
                }
                try {
                    received.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** How the connection ended: the close code and reason, or the client's error. */
    private String closeDescription() {
        try {
            return "code " + closeCode.getNow(null) + " " + closeReason;
        } catch (java.util.concurrent.CompletionException e) {
            return "client error " + e.getCause();
        }
    }

    /** The connection ended while a caller waited for frames that can no longer come. */
    public static final class ConnectionClosed extends IllegalStateException {
        public ConnectionClosed(String message) {
            super(message);
        }
    }

    public List<JsonObject> messages(String channel) {
        return snapshot(e -> "message".equals(e.getString("type")) && channel.equals(e.getString("channel", null)));
    }

    public List<JsonObject> awaitMessages(String channel, int count) {
        return awaitCount(e -> "message".equals(e.getString("type")) && channel.equals(e.getString("channel", null)), count);
    }

    public List<JsonObject> snapshot(Predicate<JsonObject> match) {
        synchronized (received) {
            return received.stream().filter(match).toList();
        }
    }

    /** The close code the server sent, waiting for it. */
    public int awaitClose() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String frame = partial.toString();
                    partial.setLength(0);
                    List<JsonObject> envelopes = new ArrayList<>();
                    for (String line : frame.split("\n")) {
                        envelopes.add(Json.createReader(new StringReader(line)).readObject());
                    }
                    synchronized (received) {
                        received.addAll(envelopes);
                        received.notifyAll();
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeReason = reason;
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeCode.completeExceptionally(error);
            }
        };
    }
}
