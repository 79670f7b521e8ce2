package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.ApplicationMetrics;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.RawWebSocket;
import org.switchboard.it.support.ServerLog;
import org.switchboard.it.support.TestTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A storm of handshakes up to the member's connection cap, in the suite's bounded form: while a
 * thousand clients arrive at once (their upgrade requests written within milliseconds, on
 * connections opened beforehand, so the HTTP workers fall behind on any machine), the member sheds
 * the handshakes it cannot take now with 503 and {@code Retry-After: 1} (a tiny backlog limit makes
 * sure it has to), the clients already connected keep receiving every message without a close,
 * every storm client gets in on a retry, the one past the cap is refused as full, and the server
 * log has no worker-queue overflow and no SEVERE.
 */
@HubDeployment(config = {"switchboard.limits.max-connections=" + HandshakeStormIT.CAP, "switchboard.limits.handshake-backlog=4",
        "switchboard.heartbeat.interval-ms=5000", "switchboard.heartbeat.timeout-ms=20000"})
class HandshakeStormIT extends DeployedHub {

    static final int HELD = 20;
    static final int STORM = 1000;
    /** The held clients, the publisher and the storm: the storm fills the member exactly. */
    static final int CAP = HELD + 1 + STORM;
    private static final int PER_SUBJECT = 40;
    private static final Duration LIMIT = Duration.ofSeconds(150);
    private static final Pattern BUSY = Pattern.compile("switchboard_handshakes_refused_total\\{[^}]*reason=\"busy\"[^}]*\\} (\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch live = new CountDownLatch(STORM);
    private final Queue<WebSocket> sockets = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final Queue<String> otherFailures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger closedAfterWelcome = new AtomicInteger();
    /** One thread per client of the first wave: it waits for the answer, then reads and answers pings until the end. */
    private final ExecutorService firstWave = Executors.newCachedThreadPool();
    private final Queue<RawWebSocket> firstWaveSockets = new ConcurrentLinkedQueue<>();
    private volatile boolean ending;

    @Test
    void theMemberShedsWhatItCannotTakeNowKeepsItsConnectionsAndFillsUpToItsCap() throws Exception {
        List<HubClient> held = new ArrayList<>();
        try (HubClient publisher = HubClient.connect(base, "storm-publisher")) {
            for (int i = 0; i < HELD; i++) {
                held.add(HubClient.connect(base, "held-" + i));
                held.get(i).subscribe("watch");
            }
            long logMark = ServerLog.end();
            long busyBefore = busyRefusals();

            List<RawWebSocket.Unsent> crowd = new ArrayList<>(STORM);
            for (int i = 0; i < STORM; i++) {
                crowd.add(RawWebSocket.Unsent.connect(HubClient.endpoint(base, subject(i)), subject(i), 65536));
            }
            long deadline = System.nanoTime() + LIMIT.toNanos();
            for (int i = 0; i < STORM; i++) {
                int client = i;
                firstWave.execute(() -> firstAttempt(client, crowd.get(client), deadline));
            }
            for (RawWebSocket.Unsent unsent : crowd) {
                unsent.send();
            }
            int published = 0;
            while (live.getCount() > 0 && System.nanoTime() < deadline) {
                published++;
                assertThat(HubClient.isOk(publisher.call("publish", "watch", Json.createObjectBuilder().add("n", published).build())))
                        .as("publication %d during the storm", published).isTrue();
                live.await(100, TimeUnit.MILLISECONDS);
            }

            System.out.printf("[HandshakeStormIT] %d storm clients in after %d ms (%d at the first attempt); refusals %s;"
                            + " %d publications meanwhile%n", STORM - live.getCount(),
                    Duration.ofNanos(System.nanoTime() - deadline + LIMIT.toNanos()).toMillis(), firstWaveSockets.size(),
                    refusals, published);
            assertThat(live.getCount()).as("storm clients not in after %s; refusals %s, other failures %s", LIMIT, refusals,
                    otherFailures).isZero();
            assertThat(otherFailures).as("handshakes that failed other than by a 503").isEmpty();
            assertThat(refusals.keySet()).as("refusals by status and Retry-After").containsOnly("503 busy, Retry-After 1");
            assertThat(busyRefusals() - busyBefore).as("handshakes shed while the member was behind").isPositive();

            assertThatThrownBy(() -> HubClient.connect(base, "one-too-many"))
                    .isInstanceOf(CompletionException.class)
                    .satisfies(e -> {
                        var refused = ((WebSocketHandshakeException) e.getCause()).getResponse();
                        assertThat(refused.statusCode()).isEqualTo(503);
                        assertThat(refused.headers().firstValue("Retry-After")).contains("5");
                    });

            for (HubClient client : held) {
                List<Integer> got = client.awaitMessages("watch", published).stream()
                        .map(m -> m.getJsonObject("data").getInt("n")).toList();
                assertThat(got).as("what a held client received during the storm").isEqualTo(
                        java.util.stream.IntStream.rangeClosed(1, published).boxed().toList());
                assertThat(client.isClosed()).as("a held client was closed").isFalse();
            }
            assertThat(closedAfterWelcome.get()).as("storm clients closed after their welcome").isZero();

            String log = ServerLog.since(logMark);
            assertThat(log).doesNotContain("task queue is full");
            assertThat(log).doesNotContain("] [SEVERE] [");
        } finally {
            ending = true;
            retries.shutdownNow();
            firstWave.shutdownNow();
            sockets.forEach(WebSocket::abort);
            for (RawWebSocket socket : firstWaveSockets) {
                socket.close();
            }
            held.forEach(HubClient::close);
        }
    }

    private static String subject(int client) {
        return "storm-" + (client / PER_SUBJECT);
    }

    /**
     * Storm client {@code i}'s first attempt, sent with the whole crowd: upgraded, it counts its
     * welcome and then stays connected like a standard client (it answers pings), counting a close.
     */
    private void firstAttempt(int i, RawWebSocket.Unsent unsent, long deadline) {
        boolean welcomed = false;
        try {
            RawWebSocket socket = unsent.answer();
            firstWaveSockets.add(socket);
            if (!socket.readDataFrameAnsweringPings().text().contains("\"welcome\"")) {
                otherFailures.add("storm client " + i + ": the first frame was not the welcome");
                return;
            }
            welcomed = true;
            live.countDown();
            while (socket.readDataFrameAnsweringPings().opcode() != RawWebSocket.CLOSE) {
                // only the close matters: storm clients subscribe to nothing
            }
            closedAfterWelcome.incrementAndGet();
        } catch (RawWebSocket.Refused refused) {
            retryAfterRefusal(i, refused.status(), refused.body(), refused.header("Retry-After").orElse("none"), deadline);
        } catch (IOException e) {
            if (ending) {
                return;
            }
            if (welcomed) {
                closedAfterWelcome.incrementAndGet();
            } else {
                otherFailures.add("storm client " + i + ": " + e);
            }
        }
    }

    /** Opens storm client {@code i} with a standard client; a refused handshake is tried again after its Retry-After. */
    private void attempt(int i, long deadline) {
        URI uri = HubClient.endpoint(base, subject(i));
        http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + TestTokens.token(subject(i)))
                .subprotocols("switchboard.v1")
                .connectTimeout(Duration.ofSeconds(30))
                .buildAsync(uri, new StormListener())
                .whenComplete((socket, failure) -> {
                    if (socket != null) {
                        sockets.add(socket);
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause instanceof WebSocketHandshakeException refused) {
                        var response = refused.getResponse();
                        retryAfterRefusal(i, response.statusCode(), String.valueOf(response.body()),
                                response.headers().firstValue("Retry-After").orElse("none"), deadline);
                    } else {
                        otherFailures.add(String.valueOf(cause));
                        retry(i, 1000, deadline);
                    }
                });
    }

    /** Counts a refusal by its kind and tries client {@code i} again after its Retry-After, with jitter. */
    private void retryAfterRefusal(int i, int status, String body, String retryAfter, long deadline) {
        String kind = status + (body.contains("busy") ? " busy" : " " + body.strip()) + ", Retry-After " + retryAfter;
        refusals.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        retry(i, retryAfter.matches("\\d+") ? Long.parseLong(retryAfter) * 1000 : 1000, deadline);
    }

    private void retry(int i, long delayMs, long deadline) {
        long jittered = (long) (delayMs * ThreadLocalRandom.current().nextDouble(0.5, 1.5));
        if (System.nanoTime() < deadline) {
            retries.schedule(() -> attempt(i, deadline), jittered, TimeUnit.MILLISECONDS);
        }
    }

    private long busyRefusals() throws Exception {
        Matcher m = BUSY.matcher(ApplicationMetrics.text(base));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Counts the welcome, and any close after it. */
    private final class StormListener implements WebSocket.Listener {
        private boolean welcomed;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (!welcomed && data.toString().contains("\"welcome\"")) {
                welcomed = true;
                live.countDown();
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            if (welcomed) {
                closedAfterWelcome.incrementAndGet();
            }
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            if (welcomed) {
                closedAfterWelcome.incrementAndGet();
            }
        }
    }
}
