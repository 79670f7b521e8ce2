package org.switchboard.it;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;
import org.switchboard.client.PublishResult;
import org.switchboard.client.SwitchboardClient;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.TestTokens;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java client library (java-client) on a real socket to the hub, where the JDK's timing matters. */
class JavaClientIT extends DeployedHub {

    /**
     * The JDK may complete a WebSocket's handshake future after it has handed the listener the
     * connection's first frames, the welcome among them. The client once took such a connection
     * for a stale attempt and aborted it without noticing, then sat on the dead socket, its
     * publications unanswered, until its ping timed out (30 s): HistoryClusterIT's publishers did
     * so about once a run. Here every handshake future completes late on purpose.
     */
    @Test
    void aConnectionWelcomedBeforeItsHandshakeFutureCompletedIsKept() throws Exception {
        List<SwitchboardClient.State> states = new CopyOnWriteArrayList<>();
        LateHandshakes http = new LateHandshakes(HttpClient.newHttpClient());
        try (SwitchboardClient client = SwitchboardClient.builder(List.of(HubClient.endpoint(base, null)))
                .token(() -> TestTokens.token("late-handshake"))
                .httpClient(http)
                .onState(change -> states.add(change.state()))
                .build()) {
            client.connect().get(30, TimeUnit.SECONDS);
            http.completed.get(30, TimeUnit.SECONDS);
            String channel = "late-" + UUID.randomUUID().toString().substring(0, 8);
            // unanswered on an aborted socket: it would be sent again only after the ping time-out (20 + 10 s)
            PublishResult first = client.publish(channel, Json.createObjectBuilder().add("n", 1).build()).get(15, TimeUnit.SECONDS);
            PublishResult second = client.publish(channel, Json.createObjectBuilder().add("n", 2).build()).get(15, TimeUnit.SECONDS);
            assertThat(second.seq()).isEqualTo(first.seq() + 1);
            assertThat(states).as("one connection, never lost").containsExactly(
                    SwitchboardClient.State.CONNECTING, SwitchboardClient.State.CONNECTED);
        }
    }

    /**
     * An HttpClient whose WebSocket handshake futures complete 300 ms after the connection is open;
     * {@link #completed} 200 ms after that.
     */
    private static final class LateHandshakes extends HttpClient {
        private final HttpClient http;
        final CompletableFuture<WebSocket> completed = new CompletableFuture<>();

        LateHandshakes(HttpClient http) {
            this.http = http;
        }

        @Override
        public WebSocket.Builder newWebSocketBuilder() {
            WebSocket.Builder builder = http.newWebSocketBuilder();
            return new WebSocket.Builder() {
                @Override
                public WebSocket.Builder header(String name, String value) {
                    builder.header(name, value);
                    return this;
                }

                @Override
                public WebSocket.Builder connectTimeout(Duration timeout) {
                    builder.connectTimeout(timeout);
                    return this;
                }

                @Override
                public WebSocket.Builder subprotocols(String most, String... lesser) {
                    builder.subprotocols(most, lesser);
                    return this;
                }

                @Override
                public CompletableFuture<WebSocket> buildAsync(URI uri, WebSocket.Listener listener) {
                    CompletableFuture<WebSocket> late = builder.buildAsync(uri, listener)
                            .thenApplyAsync(socket -> socket, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
                    // told well after the client has had the completion (its action runs as the future completes)
                    late.whenCompleteAsync((socket, error) -> completed.complete(socket),
                            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
                    return late;
                }
            };
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return http.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return http.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return http.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return http.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return http.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return http.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return http.authenticator();
        }

        @Override
        public Version version() {
            return http.version();
        }

        @Override
        public Optional<Executor> executor() {
            return http.executor();
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
            return http.send(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            return http.sendAsync(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                                HttpResponse.PushPromiseHandler<T> push) {
            return http.sendAsync(request, handler, push);
        }
    }
}
