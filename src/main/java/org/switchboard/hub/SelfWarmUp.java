package org.switchboard.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.channel.ChannelName;
import org.switchboard.config.HubSettings;
import org.switchboard.security.WarmUpPass;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warms a member up on itself before it lets clients in. A member that has just started runs its
 * code interpreted: its first thousands of handshakes and messages cost many times what they cost
 * a minute later, and that is exactly when the clients of a restarted or lost member all arrive.
 * So at start the member connects to its own endpoint ({@code switchboard.warmup.url}) over real
 * sockets, {@value #CLIENTS} clients at a time, each cycle a handshake, a subscribe, a few
 * publications delivered back and a close, until {@code switchboard.warmup.handshakes} handshakes
 * or {@code switchboard.warmup.max-seconds} have passed. Meanwhile the member refuses every other
 * handshake (503, {@code Retry-After: 1}) and its readiness is DOWN. The warm-up client passes the
 * handshake with {@link WarmUpPass}; its channels ({@link ChannelName#WARM_UP_PREFIX}) are
 * live-only and no one else's. Without a URL (or with 0 handshakes) the member opens at once.
 */
@ApplicationScoped
public class SelfWarmUp {

    static final int CLIENTS = 8;
    static final int PUBLICATIONS = 10;
    private static final Duration STEP = Duration.ofSeconds(5);
    /** Give up early after this long without a successful cycle (a wrong URL, a port that is not this member's). */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = Logger.getLogger(SelfWarmUp.class.getName());

    @Inject
    HubSettings settings;
    @Inject
    WarmUpPass pass;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /** Opens the pass and starts the warm-up in the background; the member is warming from now on. */
    public synchronized void start(ThreadFactory factory) {
        String url = settings.warmupUrl();
        int target = settings.warmupHandshakes();
        if (url.isEmpty() || target <= 0) {
            LOG.info("Switchboard warm-up: none (" + (url.isEmpty() ? "switchboard.warmup.url not set" : "switchboard.warmup.handshakes=0")
                    + "); the first clients meet a member that is not yet compiled");
            return;
        }
        URI uri = URI.create(url);
        String secret = pass.open();
        Run run = new Run(uri, secret, target, System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.warmupMaxSeconds()));
        Thread coordinator = factory.newThread(run::coordinate);
        coordinator.setName("switchboard-warmup");
        threads.add(coordinator);
        coordinator.start();
    }

    public synchronized void stop() {
        stopping = true;
        threads.forEach(Thread::interrupt);
        pass.close();
    }

    /** One warm-up: {@value #CLIENTS} loops sharing one count and one deadline. */
    private final class Run {
        private final URI uri;
        private final String secret;
        private final int target;
        private final long deadline;
        private final ExecutorService callbacks = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-warmup-io");
            thread.setDaemon(true);
            return thread;
        });
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(STEP).executor(callbacks).build();
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicInteger handshakes = new AtomicInteger();
        private final AtomicInteger delivered = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private volatile long lastSuccess = System.nanoTime();
        private final String channelPrefix = ChannelName.WARM_UP_PREFIX + UUID.randomUUID().toString().substring(0, 8) + ".";

        Run(URI uri, String secret, int target, long deadline) {
            this.uri = uri;
            this.secret = secret;
            this.target = target;
            this.deadline = deadline;
        }

        void coordinate() {
            long t0 = System.nanoTime();
            List<Thread> loops = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    String channel = channelPrefix + i;
                    Thread loop = new Thread(() -> loop(channel), "switchboard-warmup-" + i);
                    loop.setDaemon(true);
                    loops.add(loop);
                    loop.start();
                }
                for (Thread loop : loops) {
                    loop.join();
                }
            } catch (InterruptedException e) {
                loops.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
            } finally {
                pass.close();
                callbacks.shutdownNow();
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String how = handshakes.get() >= target ? "done" : stopping ? "stopped" : System.nanoTime() >= deadline
                    ? "out of time" : "given up (" + uri + " did not answer as this member for 10 s)";
            Level level = how.startsWith("given up") ? Level.WARNING : Level.INFO;
            LOG.log(level, "Switchboard warm-up " + how + ": " + handshakes.get() + " handshakes, " + delivered.get()
                    + " messages delivered, " + failures.get() + " failed attempts in " + ms + " ms; clients admitted now");
        }

        private boolean goesOn() {
            long now = System.nanoTime();
            return !stopping && !Thread.currentThread().isInterrupted() && now < deadline && now - lastSuccess < GIVE_UP_NANOS;
        }

        private void loop(String channel) {
            while (goesOn() && started.getAndIncrement() < target) {
                try {
                    cycle(channel);
                    handshakes.incrementAndGet();
                    lastSuccess = System.nanoTime();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    started.decrementAndGet(); // a failed attempt does not count towards the target
                    failures.incrementAndGet();
                    LOG.log(Level.FINE, "warm-up attempt failed", e);
                    try {
                        Thread.sleep(100); // the endpoint may not be deployed yet; paced, bounded by the deadline
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }

        /** A handshake, a subscribe, {@value #PUBLICATIONS} publications delivered back, a close. */
        private void cycle(String channel) throws Exception {
            Client client = new Client();
            WebSocket socket = http.newWebSocketBuilder().header(WarmUpPass.HEADER, secret).subprotocols("switchboard.v1")
                    .connectTimeout(STEP).buildAsync(uri, client).get(STEP.toMillis(), TimeUnit.MILLISECONDS);
            try {
                client.welcome.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
                send(socket, "{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"" + channel + "\"}");
                client.subscribed.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
                for (int n = 1; n <= PUBLICATIONS; n++) {
                    send(socket, "{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"data\":{\"n\":" + n + "}}");
                }
                client.allDelivered.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
                delivered.addAndGet(PUBLICATIONS);
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "warm-up").get(STEP.toMillis(), TimeUnit.MILLISECONDS);
                client.closed.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                socket.abort();
            }
        }

        private void send(WebSocket socket, String text) throws Exception {
            socket.sendText(text, true).get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** What one warm-up connection waits for, read from the hub's envelopes (one per line of a frame). */
    private static final class Client implements WebSocket.Listener {
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        final CompletableFuture<Void> allDelivered = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private int messages;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                for (String envelope : partial.toString().split("\n")) {
                    if (envelope.contains("\"type\":\"welcome\"")) {
                        welcome.complete(null);
                    } else if (envelope.contains("\"type\":\"reply\"")) {
                        subscribed.complete(null);
                    } else if (envelope.contains("\"type\":\"message\"") && ++messages == PUBLICATIONS) {
                        allDelivered.complete(null);
                    }
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.complete(null);
        }
    }
}
