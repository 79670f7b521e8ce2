package org.switchboard.client;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * A connection to the hub for back ends, tools and tests, with the browser client's rules
 * (docs/client.md): it reconnects with full-jitter backoff, rotating through its URLs; resumes
 * every subscription from its last position; sends every publication with an idempotency key and
 * sends it again after a dropped connection, so each acknowledged one is delivered once.
 * <p>
 * Built on the JDK's {@link java.net.http.WebSocket}. All of its state lives on one thread of its
 * own, where listeners are called too: a listener must not block.
 */
public final class SwitchboardClient implements AutoCloseable {

    public enum State { IDLE, CONNECTING, CONNECTED, DISCONNECTED, RECONNECTING, CLOSED }

    /** A state change; {@code code}/{@code reason} of the close that caused it, {@code nextAttemptAt} (epoch ms) when reconnecting. */
    public record StateChange(State state, int code, String reason, long nextAttemptAt) {
    }

    static final String PROTOCOL = "switchboard.v1";
    static final int HISTORY_PAGE = 100;
    private static final Set<Integer> PROMPT_CODES = Set.of(1001, 1012, 4003);

    private final List<URI> urls;
    private final Supplier<String> token;
    private final Backoff backoff;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration connectTimeout;
    private final int offlineQueue;
    private final int publishRetries;
    private final DoubleSupplier random;
    private final Consumer<StateChange> stateListener;
    private final HttpClient http;
    private final ScheduledExecutorService loop;
    private volatile Thread loopThread;

    private State state = State.IDLE;
    private volatile State publicState = State.IDLE;
    private WebSocket ws;
    private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);
    private JsonObject welcome;
    private int generation;
    private int urlIndex;
    private int attempt;
    private long connectedAtMs;
    private long lastReceivedMs;
    private long nextId = 1;
    private ScheduledFuture<?> retryTimer;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> pongTimer;
    private ScheduledFuture<?> handshakeTimer;
    private final Map<String, Pending> pending = new HashMap<>();
    private final Deque<Publication> outbox = new ArrayDeque<>();
    /** Publications answered {@code unavailable}, waiting to be sent again. */
    private final Set<Publication> retrying = new java.util.HashSet<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final CompletableFuture<JsonObject> firstWelcome = new CompletableFuture<>();
    /** This client as its subscriptions see it. */
    private final Requests requests = new Requests() {
        @Override
        public void call(String type, JsonObjectBuilder fields, BiConsumer<SwitchboardException, JsonObject> answer) {
            SwitchboardClient.this.call(type, fields, answer);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(Subscription subscription) {
            return SwitchboardClient.this.unsubscribe(subscription);
        }

        @Override
        public void forget(Subscription subscription) {
            SwitchboardClient.this.forget(subscription);
        }
    };

    private SwitchboardClient(Builder b) {
        this.urls = List.copyOf(b.urls);
        this.token = b.token;
        this.backoff = b.backoff;
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.connectTimeout = b.connectTimeout;
        this.offlineQueue = b.offlineQueue;
        this.publishRetries = b.publishRetries;
        this.random = b.random;
        this.stateListener = b.stateListener;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-client");
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
    }

    /** @param urls the hub's WebSocket endpoints ({@code ws://host:port/switchboard/ws}), tried in turn */
    public static Builder builder(List<URI> urls) {
        return new Builder(urls);
    }

    /** Starts connecting; completes with the first connection's {@code welcome}. */
    public CompletableFuture<JsonObject> connect() {
        onLoop(() -> {
            if (state == State.IDLE) {
                attempt = 0;
                open();
            }
        });
        return firstWelcome;
    }

    public State state() {
        return publicState;
    }

    /**
     * Subscribes to {@code channel}, from {@code since} when given (messages after it come first),
     * else from now; kept across reconnects until {@link Subscription#unsubscribe()}.
     */
    public Subscription subscribe(String channel, Position since, SubscriptionListener listener) {
        Subscription subscription = new Subscription(requests, channel, since, listener);
        if (!onLoop(() -> {
            if (state == State.CLOSED) {
                subscription.end(new SwitchboardException("closed", "the client was closed"));
                return;
            }
            if (subscriptions.containsKey(channel)) {
                subscription.end(new SwitchboardException("already_subscribed", "this client subscribes to " + channel + " already"));
                return;
            }
            subscriptions.put(channel, subscription);
            if (state == State.CONNECTED) {
                subscription.start(generation);
            }
        })) {
            subscription.end(new SwitchboardException("closed", "the client was closed"));
        }
        return subscription;
    }

    /** Publishes with a new idempotency key. */
    public CompletableFuture<PublishResult> publish(String channel, JsonValue data) {
        return publish(channel, data, UUID.randomUUID().toString());
    }

    /**
     * Publishes {@code data}; completes with its position once the hub acknowledged it. While
     * disconnected it waits in a bounded queue ({@code queue_full} beyond it); after a dropped
     * connection it is sent again with the same key, so it is delivered at most once.
     */
    public CompletableFuture<PublishResult> publish(String channel, JsonValue data, String key) {
        Publication publication = new Publication(channel, Objects.requireNonNull(key), data);
        if (!onLoop(() -> {
            if (state == State.CLOSED) {
                publication.result.completeExceptionally(new SwitchboardException("closed", "the client was closed"));
            } else if (state == State.CONNECTED) {
                sendPublication(publication);
            } else if (outbox.size() >= offlineQueue) {
                publication.result.completeExceptionally(new SwitchboardException("queue_full",
                        "already " + offlineQueue + " publications wait for a connection"));
            } else {
                outbox.add(publication);
            }
        })) {
            publication.result.completeExceptionally(new SwitchboardException("closed", "the client was closed"));
        }
        return publication.result;
    }

    /** Ends the connection for good; waiting publications fail with {@code closed}. */
    @Override
    public void close() {
        if (Thread.currentThread() == loopThread) { // from a listener: the loop is this thread
            shutdown();
            loop.shutdown();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                shutdown();
                done.complete(null);
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already closed, or the loop is stuck in a listener: stop it anyway
        }
        loop.shutdownNow();
    }

    /** Runs {@code task} on the client's thread; false once the client is closed. */
    private boolean onLoop(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ requests

    /** Sends a request; {@code answer} gets the hub's answer or an error (on the client's thread). */
    void call(String type, JsonObjectBuilder fields, BiConsumer<SwitchboardException, JsonObject> answer) {
        if (state != State.CONNECTED) {
            answer.accept(new SwitchboardException("disconnected", "not connected"), null);
            return;
        }
        String id = Long.toString(nextId++);
        pending.put(id, new Pending(answer, null));
        send(fields.add("type", type).add("id", id).build());
    }

    CompletableFuture<Void> unsubscribe(Subscription subscription) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            boolean connected = state == State.CONNECTED && subscriptions.get(subscription.channel()) == subscription;
            subscription.end(new SwitchboardException("unsubscribed", "unsubscribed"));
            if (!connected) {
                done.complete(null);
                return;
            }
            call("unsubscribe", Json.createObjectBuilder().add("channel", subscription.channel()), (error, reply) -> {
                if (error != null && !"disconnected".equals(error.code())) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(null);
                }
            });
        });
        return done;
    }

    void forget(Subscription subscription) {
        subscriptions.remove(subscription.channel(), subscription);
    }

    private void sendPublication(Publication publication) {
        String id = Long.toString(nextId++);
        pending.put(id, new Pending((error, reply) -> {
            if (error == null) {
                JsonObject data = reply.getJsonObject("data");
                publication.result.complete(new PublishResult(data.getJsonNumber("epoch").longValue(),
                        data.getJsonNumber("seq").longValue(), data.getBoolean("duplicate", false)));
            } else if ("unavailable".equals(error.code()) && publication.retries < publishRetries) {
                publication.retries++;
                retrying.add(publication);
                loop.schedule(() -> {
                    if (retrying.remove(publication)) {
                        resend(publication);
                    }
                }, backoff.delayMs(publication.retries, random), TimeUnit.MILLISECONDS);
            } else {
                publication.result.completeExceptionally(error);
            }
        }, publication));
        send(Json.createObjectBuilder().add("type", "publish").add("id", id).add("channel", publication.channel)
                .add("key", publication.key).add("data", publication.data).build());
    }

    private void resend(Publication publication) {
        if (state == State.CLOSED) {
            publication.result.completeExceptionally(new SwitchboardException("closed", "the client was closed"));
        } else if (state == State.CONNECTED) {
            sendPublication(publication);
        } else {
            outbox.addFirst(publication);
        }
    }

    private void send(JsonObject envelope) {
        WebSocket socket = ws;
        String text = envelope.toString();
        // one send at a time, as java.net.http.WebSocket requires; a failed one ends the connection (onError)
        sends = sends.handle((r, e) -> null).thenCompose(x -> socket.sendText(text, true));
    }

    // ------------------------------------------------------------------ connection

    private void setState(State next, int code, String reason, long nextAttemptAt) {
        if (state == next) {
            return;
        }
        state = next;
        publicState = next;
        if (stateListener != null) {
            stateListener.accept(new StateChange(next, code, reason, nextAttemptAt));
        }
    }

    private void open() {
        URI url = urls.get(urlIndex % urls.size());
        setState(State.CONNECTING, 0, url.toString(), 0);
        String bearer;
        try {
            bearer = token == null ? null : token.get();
        } catch (RuntimeException e) {
            failed(1006, "the token provider failed: " + e.getMessage(), false);
            return;
        }
        int connection = ++generation;
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout).subprotocols(PROTOCOL);
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        handshakeTimer = loop.schedule(() -> {
            if (generation == connection && welcome == null && state == State.CONNECTING) {
                abandon(ws, 1000, "handshake timeout");
                failed(1006, "no welcome in time", false);
            }
        }, connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        builder.buildAsync(url, new Listener(connection)).whenComplete((socket, error) -> loop.execute(() -> {
            // the handshake's completion can come after the listener's first calls, the welcome included: a
            // connection already welcomed is this attempt's, not a stale one. Stale means given up (timeout,
            // close, client closed) or superseded, each of which moved the generation on
            if (generation != connection) {
                if (socket != null) {
                    socket.abort();
                }
                return;
            }
            if (error != null && state == State.CONNECTING) {
                failed(1006, "cannot connect to " + url + ": " + rootMessage(error), false);
            }
        }));
    }

    private void received(String text, int connection) {
        if (connection != generation) {
            return;
        }
        lastReceivedMs = System.currentTimeMillis();
        cancel(pongTimer);
        pongTimer = null;
        for (String part : text.split("\n")) {
            if (part.isEmpty()) {
                continue;
            }
            JsonObject envelope;
            try (JsonReader reader = Json.createReader(new StringReader(part))) {
                envelope = reader.readObject();
            } catch (JsonException e) {
                continue; // not ours to judge: the hub only sends JSON objects
            }
            dispatch(envelope, connection);
            if (connection != generation) {
                return;
            }
        }
    }

    private void dispatch(JsonObject envelope, int connection) {
        String type = envelope.getString("type", "");
        switch (type) {
            case "welcome" -> welcomed(envelope.getJsonObject("data"), connection);
            case "message" -> {
                Subscription s = subscriptions.get(envelope.getString("channel", ""));
                if (s != null) {
                    s.message(Message.of(envelope));
                }
            }
            case "join", "leave" -> {
                Subscription s = subscriptions.get(envelope.getString("channel", ""));
                if (s != null && envelope.get("data") instanceof JsonObject member) {
                    s.presence(type, member);
                }
            }
            case "expiring" -> renewToken();
            default -> {
                if (envelope.get("id") != null) {
                    answered(envelope);
                }
            }
        }
    }

    private void welcomed(JsonObject data, int connection) {
        cancel(handshakeTimer);
        welcome = data;
        connectedAtMs = System.currentTimeMillis();
        setState(State.CONNECTED, 0, "", 0);
        firstWelcome.complete(data);
        armPing();
        for (Subscription s : new ArrayList<>(subscriptions.values())) {
            s.start(connection);
        }
        List<Publication> waiting = new ArrayList<>(outbox);
        outbox.clear();
        waiting.forEach(this::sendPublication);
    }

    private void answered(JsonObject envelope) {
        Pending p = pending.remove(envelope.getString("id", ""));
        if (p == null) {
            return;
        }
        JsonObject data = envelope.get("data") instanceof JsonObject d ? d : JsonValue.EMPTY_JSON_OBJECT;
        if ("reply".equals(envelope.getString("type", "")) && !data.getBoolean("ok", true)) {
            JsonObject error = data.get("error") instanceof JsonObject e ? e : JsonValue.EMPTY_JSON_OBJECT;
            p.answer.accept(new SwitchboardException(error.getString("code", "error"), error.getString("message", "")), null);
        } else {
            p.answer.accept(null, envelope);
        }
    }

    /** The hub says the token expires soon: hand a fresh one over in place. */
    private void renewToken() {
        if (token == null) {
            return;
        }
        String fresh;
        try {
            fresh = token.get();
        } catch (RuntimeException e) {
            return; // the hub closes with 4003 at expiry; the reconnect asks the provider again
        }
        if (fresh != null) {
            call("refresh", Json.createObjectBuilder().add("token", fresh), (error, reply) -> {
            });
        }
    }

    /** On a quiet connection, ask for a pong and give up on silence (a dead peer sends no close). */
    private void armPing() {
        cancel(pingTimer);
        long quietFor = System.currentTimeMillis() - lastReceivedMs;
        pingTimer = loop.schedule(this::pingIfQuiet, Math.max(0, pingInterval.toMillis() - quietFor), TimeUnit.MILLISECONDS);
    }

    private void pingIfQuiet() {
        if (state != State.CONNECTED) {
            return;
        }
        if (System.currentTimeMillis() - lastReceivedMs < pingInterval.toMillis()) {
            armPing();
            return;
        }
        if (pongTimer == null) {
            send(Json.createObjectBuilder().add("type", "ping").build());
            int connection = generation;
            pongTimer = loop.schedule(() -> {
                pongTimer = null;
                if (generation == connection && state == State.CONNECTED) {
                    abandon(ws, 4000, "ping timeout");
                    failed(4000, "no answer to a ping", true);
                }
            }, pingTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        pingTimer = loop.schedule(this::pingIfQuiet, pingInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closedBy(int connection, int code, String reason) {
        if (connection != generation || state == State.CLOSED || (state != State.CONNECTING && state != State.CONNECTED)) {
            return;
        }
        failed(code, reason, welcome != null);
    }

    /** The connection (or attempt) ended: unanswered publications go back to the queue; the next attempt is scheduled. */
    private void failed(int code, String reason, boolean wasConnected) {
        long livedMs = wasConnected ? System.currentTimeMillis() - connectedAtMs : 0;
        clearTimers();
        connectionLost();
        setState(State.DISCONNECTED, code, reason, 0);
        boolean stable = wasConnected && livedMs >= backoff.stable().toMillis();
        if (stable) {
            attempt = 0;
        }
        long delay;
        if (stable && PROMPT_CODES.contains(code)) {
            delay = backoff.promptDelayMs(random);
            if (code != 4003) {
                urlIndex++;
            }
        } else {
            delay = backoff.delayMs(attempt++, random);
            if (code == 4001) {
                delay = Math.max(delay, backoff.base().toMillis());
            }
            // a failed attempt, or a member that said it is going: the next member (a draining one
            // refuses handshakes, one being stopped may not answer them at all)
            if (!wasConnected || code == 1001 || code == 1012) {
                urlIndex++;
            }
        }
        setState(State.RECONNECTING, code, reason, System.currentTimeMillis() + delay);
        retryTimer = loop.schedule(() -> {
            retryTimer = null;
            if (state == State.RECONNECTING) {
                open();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void connectionLost() {
        welcome = null;
        generation++;
        ws = null;
        List<Publication> unanswered = new ArrayList<>();
        SwitchboardException error = new SwitchboardException("disconnected", "the connection ended before the answer");
        for (Pending p : new ArrayList<>(pending.values())) {
            if (p.publication != null) {
                unanswered.add(p.publication);
            } else {
                p.answer.accept(error, null);
            }
        }
        pending.clear();
        for (int i = unanswered.size() - 1; i >= 0; i--) {
            outbox.addFirst(unanswered.get(i));
        }
        subscriptions.values().forEach(Subscription::disconnected);
    }

    private void shutdown() {
        if (state == State.CLOSED) {
            return;
        }
        WebSocket socket = ws;
        clearTimers();
        connectionLost();
        setState(State.CLOSED, 1000, "client closed", 0);
        abandon(socket, 1000, "client closed");
        SwitchboardException closed = new SwitchboardException("closed", "the client was closed");
        outbox.forEach(p -> p.result.completeExceptionally(closed));
        outbox.clear();
        retrying.forEach(p -> p.result.completeExceptionally(closed));
        retrying.clear();
        new ArrayList<>(subscriptions.values()).forEach(s -> s.end(closed));
        firstWelcome.completeExceptionally(closed);
    }

    private void clearTimers() {
        cancel(retryTimer);
        cancel(pingTimer);
        cancel(pongTimer);
        cancel(handshakeTimer);
        retryTimer = pingTimer = pongTimer = handshakeTimer = null;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Lets go of a socket without waiting for its close handshake (its peer may be dead). */
    private static void abandon(WebSocket socket, int code, String reason) {
        if (socket == null) {
            return;
        }
        socket.sendClose(code, reason).orTimeout(1, TimeUnit.SECONDS).whenComplete((r, e) -> socket.abort());
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** Receives one connection's frames and hands them to the client's thread. */
    private final class Listener implements WebSocket.Listener {
        private final int connection;
        private final StringBuilder partial = new StringBuilder();

        Listener(int connection) {
            this.connection = connection;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            // runs before any onText of this socket is handed over, so the welcome finds the socket set
            loop.execute(() -> {
                if (connection == generation && state == State.CONNECTING) {
                    ws = webSocket;
                    sends = CompletableFuture.completedFuture(null);
                    lastReceivedMs = System.currentTimeMillis();
                }
            });
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                loop.execute(() -> received(text, connection));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            loop.execute(() -> {
                if (connection == generation) {
                    lastReceivedMs = System.currentTimeMillis();
                }
            });
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            loop.execute(() -> closedBy(connection, statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            loop.execute(() -> closedBy(connection, 1006, rootMessage(error)));
        }
    }

    private record Pending(BiConsumer<SwitchboardException, JsonObject> answer, Publication publication) {
    }

    private static final class Publication {
        final String channel;
        final String key;
        final JsonValue data;
        final CompletableFuture<PublishResult> result = new CompletableFuture<>();
        int retries;

        Publication(String channel, String key, JsonValue data) {
            this.channel = channel;
            this.key = key;
            this.data = data;
        }
    }

    /** Options, with the browser client's defaults. */
    public static final class Builder {
        private final List<URI> urls;
        private Supplier<String> token;
        private Backoff backoff = Backoff.DEFAULT;
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration pingTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(15);
        private int offlineQueue = 100;
        private int publishRetries = 3;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private Consumer<StateChange> stateListener;
        private HttpClient http;

        private Builder(List<URI> urls) {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("at least one URL");
            }
            this.urls = urls;
        }

        /** Called on every connection attempt and when the hub says the token expires soon. */
        public Builder token(Supplier<String> provider) {
            this.token = provider;
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        public Builder ping(Duration interval, Duration timeout) {
            this.pingInterval = interval;
            this.pingTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Publications kept while disconnected (default 100). */
        public Builder offlineQueue(int publications) {
            this.offlineQueue = publications;
            return this;
        }

        /** How often a publication answered {@code unavailable} is sent again, with backoff (default 3). */
        public Builder publishRetries(int retries) {
            this.publishRetries = retries;
            return this;
        }

        /** Told of every state change, on the client's thread. */
        public Builder onState(Consumer<StateChange> listener) {
            this.stateListener = listener;
            return this;
        }

        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        public SwitchboardClient build() {
            return new SwitchboardClient(this);
        }
    }
}
