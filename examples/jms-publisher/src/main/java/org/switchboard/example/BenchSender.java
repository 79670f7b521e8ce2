package org.switchboard.example;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * For the benchmark (bench/README.md, scenario {@code ingress}): sends {@code count} messages to
 * the hub's JMS ingress at {@code rate} msgs/s, the way {@link OrderEvents} does one — no
 * transaction, auto-acknowledge, one synchronous (persistent) send per message — and answers when
 * done with what it sent. {@code POST /jms-publisher/bench-send?channel=C&count=N&rate=R}, optional
 * {@code threads} (senders, each with its own JMSContext, pacing R/threads), {@code warm} (the first
 * W messages carry {@code seq} 0: the load client's warm-up), {@code seq0} (the first measured
 * message's {@code seq}) and {@code offset} (ns: the load client's wall clock minus its
 * {@code System.nanoTime()}). The data is {@code {"t":T,"seq":S}} like the load client's own
 * publications, T being the send time on the load client's {@code nanoTime} scale (the wall clock of
 * this machine less {@code offset}: both JVMs read the same system clock), so the load client
 * measures delivery latency as for its own sends. Bounded: at most 200,000 messages, 20,000 msgs/s,
 * 8 threads. Not for a real domain: anyone who can reach it can make it send.
 */
@WebServlet("/bench-send")
public class BenchSender extends HttpServlet {

    private static final int MAX_COUNT = 200_000;
    private static final int MAX_RATE = 20_000;
    private static final int MAX_THREADS = 8;

    @Resource(lookup = "jms/switchboard/ConnectionFactory")
    ConnectionFactory factory;

    @Resource(lookup = "jms/switchboard/Publish")
    Queue publish;

    @Resource
    ManagedExecutorService executor;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String channel = request.getParameter("channel");
        long count = param(request, "count", 0);
        double rate = Double.parseDouble(request.getParameter("rate") == null ? "100" : request.getParameter("rate"));
        int threads = (int) param(request, "threads", 1);
        long warm = param(request, "warm", 0);
        long seq0 = param(request, "seq0", 1);
        long offset = param(request, "offset", 0);
        if (channel == null || count < 1 || count > MAX_COUNT || rate <= 0 || rate > MAX_RATE || threads < 1 || threads > MAX_THREADS) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "channel, count 1-" + MAX_COUNT + ", rate (0-" + MAX_RATE
                    + "], threads 1-" + MAX_THREADS);
            return;
        }
        AtomicLong sent = new AtomicLong();
        AtomicLong sentMeasured = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong behind = new AtomicLong();
        AtomicLong sendNs = new AtomicLong();
        String[] firstError = new String[1];
        long start = System.nanoTime();
        List<Future<?>> senders = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            int thread = k;
            senders.add(executor.submit(() -> {
                // message i (i = thread, thread + threads, ...) is due at start + i / rate
                try (JMSContext jms = factory.createContext()) {
                    JMSProducer producer = jms.createProducer();
                    long skip = 0;
                    for (long i = thread; i < count; i += threads) {
                        long due = start + (long) (i * 1e9 / rate) + skip;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        } else if (wait < -1_000_000_000L) {
                            behind.incrementAndGet();  // more than 1 s behind: skip ahead (as the load client does)
                            skip -= wait;
                        }
                        Instant now = Instant.now();
                        long t = now.getEpochSecond() * 1_000_000_000L + now.getNano() - offset;
                        long seq = i < warm ? 0 : seq0 + (i - warm);
                        long s0 = System.nanoTime();
                        try {
                            TextMessage message = jms.createTextMessage("{\"t\":" + t + ",\"seq\":" + seq + "}");
                            message.setStringProperty("channel", channel);
                            message.setStringProperty("sender", "bench");
                            producer.send(publish, message);
                            sent.incrementAndGet();
                            if (seq > 0) {
                                sentMeasured.incrementAndGet();
                            }
                        } catch (JMSRuntimeException | jakarta.jms.JMSException e) {
                            errors.incrementAndGet();
                            firstError[0] = String.valueOf(e);
                        }
                        sendNs.addAndGet(System.nanoTime() - s0);
                    }
                }
            }));
        }
        for (Future<?> f : senders) {
            try {
                f.get();
            } catch (Exception e) {
                errors.incrementAndGet();
                firstError[0] = String.valueOf(e);
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        response.setContentType("application/json");
        long mean = sent.get() == 0 ? 0 : sendNs.get() / 1000 / sent.get();
        response.getWriter().write("{\"sent\":" + sent.get() + ",\"sentMeasured\":" + sentMeasured.get()
                + ",\"errors\":" + errors.get() + ",\"seconds\":" + secs + ",\"behind\":" + behind.get()
                + ",\"meanSendUs\":" + mean
                + (firstError[0] == null ? "" : ",\"error\":\"" + firstError[0].replace("\\", "\\\\").replace("\"", "'") + "\"")
                + "}");
    }

    private static long param(HttpServletRequest request, String name, long otherwise) {
        String v = request.getParameter(name);
        return v == null || v.isBlank() ? otherwise : Long.parseLong(v.strip());
    }
}
