package switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Back-end publishers of the ingress scenario, which publish without a WebSocket: REST (one message
 * per request, or batches) from a java.net.http client, and the JMS ingress through the
 * jms-publisher example's {@code bench-send} servlet on the same domain. Both count into the
 * scenario's {@link Run} like the WebSocket publishers do (sent, acknowledged, error replies), and
 * their data is the same {@code {"t":<nanoTime>,"seq":<n>}}, so the subscribers measure delivery
 * latency the same way.
 */
abstract class Ingress {

    final Run run;
    /** ack latency (publish → 200 with ok), µs */
    final Histogram ack = new Histogram(3_600_000_000L, 3);
    /** HTTP statuses other than 200 (and "io" for failed requests), by status */
    final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();

    Ingress(Run run) {
        this.run = run;
    }

    /** Starts publishing rate msgs/s; warm-up first (seq 0 while the run is not measuring). */
    abstract void start(double rate, int warmupS, int durationS) throws Exception;

    /** Stops publishing; waits at most waitS seconds for what is in flight. */
    abstract void stop(int waitS) throws Exception;

    abstract String describe();

    /** whether an ok answer (ack) comes back to this publisher */
    boolean acks() {
        return true;
    }

    synchronized void resetAck() {
        ack.reset();
    }

    synchronized void addAckTo(Histogram h) {
        h.add(ack);
    }

    synchronized void recordAck(long us, long n) {
        ack.recordValueWithCount(Math.max(0, Math.min(us, 3_600_000_000L)), n);
    }

    String statusSummary() {
        Map<String, Long> m = new TreeMap<>();
        statuses.forEach((k, v) -> m.put(k, v.get()));
        return m.isEmpty() ? "none" : m.toString();
    }

    void status(String s, long n) {
        statuses.computeIfAbsent(s, k -> new AtomicLong()).addAndGet(n);
    }

    // ------------------------------------------------------------------ credentials

    /**
     * The Authorization header: {@code demo:USER:PASSWORD} (a bearer token from the hub's demo issuer,
     * {@code POST /switchboard/demo/token}, fetched again every 2 minutes: demo tokens live 5),
     * {@code basic:USER:PASSWORD} (the realm's credentials), {@code bearer:JWT}, or {@code none}.
     */
    static final class Auth {
        private final String spec;
        private final URI tokenUri;
        private final String origin;
        private final HttpClient http;
        private volatile String header;
        private volatile long fetchedNs;

        Auth(String spec, URI hubBase, String origin, HttpClient http) {
            this.spec = spec;
            this.tokenUri = hubBase.resolve("demo/token");
            this.origin = origin;
            this.http = http;
        }

        String header() throws IOException, InterruptedException {
            if (spec.startsWith("basic:")) {
                return "Basic " + Base64.getEncoder().encodeToString(spec.substring(6).getBytes(StandardCharsets.UTF_8));
            }
            if (spec.startsWith("bearer:")) {
                return "Bearer " + spec.substring(7);
            }
            if (spec.equals("none")) {
                return null;
            }
            if (!spec.startsWith("demo:")) {
                throw new IllegalArgumentException("--auth demo:USER:PASSWORD | basic:USER:PASSWORD | bearer:JWT | none");
            }
            if (header == null || System.nanoTime() - fetchedNs > 120_000_000_000L) {
                synchronized (this) {
                    if (header == null || System.nanoTime() - fetchedNs > 120_000_000_000L) {
                        String[] up = spec.substring(5).split(":", 2);
                        String form = "username=" + URLEncoder.encode(up[0], StandardCharsets.UTF_8) + "&password="
                                + URLEncoder.encode(up[1], StandardCharsets.UTF_8);
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(tokenUri).timeout(Duration.ofSeconds(10))
                                .header("Origin", origin).header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
                        Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
                        if (r.statusCode() != 200 || !m.find()) {
                            throw new IOException("demo token: HTTP " + r.statusCode() + " " + r.body());
                        }
                        header = "Bearer " + m.group(1);
                        fetchedNs = System.nanoTime();
                    }
                }
            }
            return header;
        }
    }

    // ------------------------------------------------------------------ REST

    /**
     * REST: a pacing thread sends POST /api/channels/{ch}/messages (batch = 1) or POST /api/publish
     * with {@code batch} messages per request, at most {@code inflight} requests outstanding; the
     * message rate is the offered rate (requests/s = rate / batch). A sender that falls more than
     * 1 s behind its schedule (all requests in flight) skips ahead and counts it in publishBehind.
     */
    static final class Rest extends Ingress {
        private static final Pattern OK_TRUE = Pattern.compile("\"ok\"\\s*:\\s*true");
        private static final Pattern OK_FALSE = Pattern.compile("\"ok\"\\s*:\\s*false");
        private final HttpClient http;
        private final URI uri;
        private final String channel;
        private final int batch;
        private final int inflight;
        private final Auth auth;
        private final Semaphore slots;
        private volatile boolean running;
        private Thread pacer;

        Rest(Run run, URI hubBase, String channel, int batch, int inflight, Auth auth, HttpClient http) {
            super(run);
            this.http = http;
            this.channel = channel;
            this.batch = batch;
            this.inflight = inflight;
            this.auth = auth;
            this.slots = new Semaphore(inflight);
            this.uri = batch == 1 ? hubBase.resolve("api/channels/" + channel + "/messages") : hubBase.resolve("api/publish");
        }

        @Override
        String describe() {
            return batch == 1 ? "REST 1 msg/request, ≤ " + inflight + " in flight" : "REST batches of " + batch + ", ≤ " + inflight + " in flight";
        }

        @Override
        void start(double rate, int warmupS, int durationS) throws Exception {
            auth.header(); // fail early on bad credentials
            long period = (long) (1e9 * batch / rate);
            running = true;
            pacer = new Thread(() -> {
                long next = System.nanoTime();
                while (running) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    if (wait < -1_000_000_000L) {
                        run.publishBehind.increment();
                        next = System.nanoTime();
                    }
                    try {
                        if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    next += period;
                    send();
                }
            }, "rest-pacer");
            pacer.setDaemon(true);
            pacer.start();
        }

        private void send() {
            long t = System.nanoTime();
            boolean measured = run.measuring;
            long firstSeq = measured ? run.seq.addAndGet(batch) - batch + 1 : 0;
            StringBuilder body = new StringBuilder(batch * 64);
            if (batch == 1) {
                body.append("{\"data\":").append(Proto.data(t, firstSeq)).append('}');
            } else {
                body.append("{\"messages\":[");
                for (int i = 0; i < batch; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(channel).append("\",\"data\":")
                            .append(Proto.data(t, measured ? firstSeq + i : 0)).append('}');
                }
                body.append("]}");
            }
            if (measured) {
                run.sentMeasured.add(batch);
            } else {
                run.sentWarmup.add(batch);
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
            CompletableFuture<HttpResponse<String>> f;
            try {
                String a = auth.header();
                if (a != null) {
                    req.header("Authorization", a);
                }
                f = http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((r, e) -> {
                try {
                    long us = (System.nanoTime() - t) / 1000;
                    if (e != null) {
                        status("io", batch);
                        run.errorReplies.add(batch);
                        run.sample("rest-io", String.valueOf(e));
                        return;
                    }
                    if (r.statusCode() != 200) {
                        status(String.valueOf(r.statusCode()), batch);
                        run.errorReplies.add(batch);
                        run.sample("rest-" + r.statusCode(), r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
                        return;
                    }
                    long ok = batch == 1 ? (OK_TRUE.matcher(r.body()).find() ? 1 : 0) : OK_TRUE.matcher(r.body()).results().count();
                    long refused = batch == 1 ? 1 - ok : OK_FALSE.matcher(r.body()).results().count();
                    run.acked.add(ok);
                    if (measured && firstSeq > run.measuredFrom) {
                        run.ackedMeasured.add(ok);
                        recordAck(us, ok);
                    }
                    if (refused > 0) {
                        status("200 ok:false", refused);
                        run.errorReplies.add(refused);
                        run.sample("rest-refused", r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
                    }
                } finally {
                    slots.release();
                }
            });
        }

        @Override
        void stop(int waitS) throws Exception {
            running = false;
            if (pacer != null) {
                pacer.interrupt();
                pacer.join(2000);
            }
            // wait for what is in flight: all slots free again
            if (slots.tryAcquire(inflight, waitS, TimeUnit.SECONDS)) {
                slots.release(inflight);
            }
        }
    }

    // ------------------------------------------------------------------ JMS

    /**
     * JMS ingress through the jms-publisher example's bench-send servlet (same domain): one HTTP
     * request per step makes it send rate × (warm-up + duration) messages at rate msgs/s, the first
     * rate × warm-up with seq 0. No acknowledgement comes back to the sender: the send returns when
     * the broker has the message; the hub's publication shows only as deliveries.
     */
    static final class Jms extends Ingress {
        private final HttpClient http;
        private final URI servlet;
        private final String channel;
        private final int threads;
        private CompletableFuture<HttpResponse<String>> pending;
        private long sentMeasured;
        private long sentTotal;
        private double seconds;
        private String lastAnswer = "";

        Jms(Run run, URI servlet, String channel, int threads, HttpClient http) {
            super(run);
            this.http = http;
            this.servlet = servlet;
            this.channel = channel;
            this.threads = threads;
        }

        @Override
        boolean acks() {
            return false;
        }

        @Override
        String describe() {
            return "JMS ingress via " + servlet.getPath() + ", " + threads + " sender thread" + (threads > 1 ? "s" : "");
        }

        /** This JVM's wall clock minus its nanoTime, in ns (the servlet puts t = its wall clock - offset). */
        static long clockOffset() {
            long best = Long.MAX_VALUE;
            long offset = 0;
            for (int i = 0; i < 20; i++) {
                long n1 = System.nanoTime();
                Instant w = Instant.now();
                long n2 = System.nanoTime();
                if (n2 - n1 < best) {
                    best = n2 - n1;
                    offset = w.getEpochSecond() * 1_000_000_000L + w.getNano() - (n1 + (n2 - n1) / 2);
                }
            }
            return offset;
        }

        @Override
        void start(double rate, int warmupS, int durationS) {
            long warm = Math.round(rate * warmupS);
            long measured = Math.round(rate * durationS);
            long seq0 = run.seq.addAndGet(measured) - measured + 1;
            String q = "channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8) + "&count=" + (warm + measured) + "&rate=" + rate
                    + "&threads=" + threads + "&warm=" + warm + "&seq0=" + seq0 + "&offset=" + clockOffset();
            pending = http.sendAsync(HttpRequest.newBuilder(URI.create(servlet + "?" + q))
                    .timeout(Duration.ofSeconds(warmupS + durationS + 120L)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Override
        void stop(int waitS) throws Exception {
            HttpResponse<String> r;
            try {
                r = pending.get(waitS + 120L, TimeUnit.SECONDS);
            } catch (Exception e) {
                status("io", 1);
                run.errorReplies.increment();
                run.sample("jms-servlet", String.valueOf(e));
                return;
            }
            lastAnswer = r.body();
            if (r.statusCode() != 200) {
                status(String.valueOf(r.statusCode()), 1);
                run.errorReplies.increment();
                run.sample("jms-servlet-" + r.statusCode(), r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
                return;
            }
            sentMeasured = field(r.body(), "sentMeasured");
            sentTotal = field(r.body(), "sent");
            seconds = Double.parseDouble(str(r.body(), "seconds"));
            long errors = field(r.body(), "errors");
            long behind = field(r.body(), "behind");
            run.sentMeasured.add(sentMeasured);
            run.publishBehind.add(behind);
            if (errors > 0) {
                status("send error", errors);
                run.errorReplies.add(errors);
                run.sample("jms-send", r.body());
            }
        }

        String lastAnswer() {
            return lastAnswer;
        }

        /** msgs/s the servlet sent over its whole request (warm-up and measured) */
        double sendRate() {
            return seconds > 0 ? sentTotal / seconds : 0;
        }

        private static long field(String json, String name) {
            return Long.parseLong(str(json, name));
        }

        private static String str(String json, String name) {
            Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*([-0-9.Ee]+)").matcher(json);
            return m.find() ? m.group(1) : "0";
        }
    }

    static HttpClient client(int threads) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "http-client");
                    t.setDaemon(true);
                    return t;
                })).build();
    }
}
