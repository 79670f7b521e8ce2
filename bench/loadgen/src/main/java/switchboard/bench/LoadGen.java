package switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Switchboard load client. One scenario per invocation; prints a human summary and one Markdown
 * table row (also appended to --out). See bench/README.md for the options.
 */
public final class LoadGen {

    private final Map<String, String> opt;
    private final Run run = new Run();
    private final List<Loop> loops = new ArrayList<>();
    private final List<Conn> conns = new ArrayList<>();
    private final Proto proto;
    private final String stack;
    private final List<URI> urls = new ArrayList<>();
    private final List<InetSocketAddress> sources = new ArrayList<>();
    private final ProcStats server;
    private volatile boolean gateLost;

    private LoadGen(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.stack = str("stack", "switchboard");
        this.proto = Proto.of(stack);
        for (String u : str("url", "ws://127.0.0.1:8080/switchboard/ws").split(",")) {
            urls.add(URI.create(u.trim()));
        }
        String src = str("sources", "127.0.0.2-127.0.0.9");
        if (!src.isBlank() && !src.equals("none")) {
            String[] r = src.split("-");
            String prefix = r[0].substring(0, r[0].lastIndexOf('.') + 1);
            int from = Integer.parseInt(r[0].substring(r[0].lastIndexOf('.') + 1));
            int to = r.length > 1 ? Integer.parseInt(r[1].substring(r[1].lastIndexOf('.') + 1)) : from;
            for (int i = from; i <= to; i++) {
                sources.add(new InetSocketAddress(prefix + i, 0));
            }
        }
        List<Long> pids = new ArrayList<>();
        for (String p : str("server-pid", "").split(",")) {
            if (!p.isBlank()) {
                pids.add(Long.parseLong(p.trim()));
            }
        }
        this.server = new ProcStats(pids);
        int n = num("loops", 2);
        for (int i = 0; i < n; i++) {
            Loop l = new Loop(run, i);
            loops.add(l);
            l.start();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                opt.put(a.substring(2, eq), a.substring(eq + 1));
            } else {
                opt.put(a.substring(2), args[++i]);
            }
        }
        if (!opt.containsKey("scenario")) {
            System.err.println("usage: java -jar loadgen.jar --scenario connections|fanout|rooms --stack switchboard|bare|socketio "
                    + "--url ws://127.0.0.1:8080/switchboard/ws[,ws://...] [--server-pid PID[,PID]] [options]  (see bench/README.md)");
            System.exit(2);
        }
        LoadGen g = new LoadGen(opt);
        g.startGateWatch();
        String row = switch (opt.get("scenario")) {
            case "connections" -> g.connections();
            case "fanout" -> g.fanout();
            case "rooms" -> g.rooms();
            default -> throw new IllegalArgumentException("unknown scenario " + opt.get("scenario"));
        };
        g.closeAll();
        if (g.gateLost) {
            row = row.replaceFirst("\\| ", "| (quiet gate lost) ");
        }
        System.out.println(row);
        String out = opt.get("out");
        if (out != null) {
            Files.writeString(Path.of(out), row + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        for (Loop l : g.loops) {
            l.shutdown();
        }
        System.exit(g.gateLost ? 3 : 0);
    }

    // ------------------------------------------------------------------ scenarios

    private String connections() throws Exception {
        int n = num("conns", 5000);
        int rate = num("connect-rate", 1000);
        int hold = num("hold", 20);
        boolean heap = bool("heap", true);
        int warm = num("warm-conns", 200);
        if (warm > 0) { // JIT-warm this client (and the server's handshake path) before measuring
            List<Conn> w = new ArrayList<>();
            for (int i = 0; i < warm; i++) {
                w.add(addConn(1_000_000 + i, null, false, urls.get(i % urls.size())));
            }
            openPaced(w, Math.min(rate, 500));
            awaitReady(warm, 20);
            closeAll();
            conns.clear();
            run.ready.reset();
            run.failed.reset();
            run.closedByServer.reset();
            for (Loop l : loops) {
                l.call(l.connect::reset);
            }
            sleepS(3);
        }
        String jcmd = str("jcmd", Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        long heapBefore = heap ? server.serverLiveHeap(jcmd) : -1;
        long rssBefore = server.serverRss();
        long threadsBefore = server.serverThreads();
        log("server before: live heap %s, RSS %s, threads %d", mb(heapBefore), mb(rssBefore), threadsBefore);
        Meter m = new Meter();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            addConn(i, null, false, urls.get(i % urls.size()));
        }
        openPaced(conns, rate);
        boolean all = awaitReady(n, 30);
        double openSecs = (System.nanoTime() - t0) / 1e9;
        Meter.Delta cpu = m.delta();
        log("%d/%d ready in %.1f s (%s), failed %d", run.ready.sum(), n, openSecs, all ? "all" : "NOT all", run.failed.sum());
        long holdStart = System.nanoTime();
        sleepS(3);
        long rssAfter = server.serverRss();
        long threadsAfter = server.serverThreads();
        long heapAfter = heap ? server.serverLiveHeap(jcmd) : -1;
        long open = run.ready.sum() - run.closedByServer.sum();
        log("server with %d connections: live heap %s, RSS %s, threads %d", open, mb(heapAfter), mb(rssAfter), threadsAfter);
        long rest = hold * 1_000_000_000L - (System.nanoTime() - holdStart);
        if (rest > 0) {
            sleepNs(rest);
        }
        long stillOpen = run.ready.sum() - run.closedByServer.sum() - run.failed.sum();
        log("held %d s; still open %d, closed by server %d", hold, stillOpen, run.closedByServer.sum());
        Histogram h = merged(l -> l.connect);
        String mem;
        long cnt = Math.max(1, run.ready.sum());
        String heapPer = heapBefore > 0 && heapAfter > 0 ? String.format(Locale.ROOT, "%.1f KB heap", (heapAfter - heapBefore) / 1024.0 / cnt) : "heap n/a";
        mem = heapPer + String.format(Locale.ROOT, ", %.1f KB RSS", (rssAfter - rssBefore) / 1024.0 / cnt);
        String load = String.format(Locale.ROOT, "%,d conns @ %,d/s, held %d s", n, rate, hold);
        String result = String.format(Locale.ROOT, "%,d open (%.0f/s)", run.ready.sum(), run.ready.sum() / openSecs);
        String loss = run.failed.sum() + run.closedByServer.sum() == 0 ? "0" : (run.failed.sum() + " failed, " + run.closedByServer.sum() + " closed");
        return row(str("label", "connections"), load, result, loss, h, cpu, mem);
    }

    private String fanout() throws Exception {
        int subs = num("subs", 1000);
        double rate = dbl("rate", 50);
        int pubs = num("publishers", 1);
        String room = "fanout";
        for (int i = 0; i < subs; i++) {
            addConn(i, room, false, urls.get(i % urls.size()));
        }
        for (int i = 0; i < pubs; i++) {
            Conn p = addConn(subs + i, room, true, urls.get(i % urls.size()));
            p.periodNs = (long) (1e9 * pubs / rate);
        }
        openPaced(conns, num("connect-rate", 1000));
        if (!awaitReady(subs + pubs, 60)) {
            log("WARNING: only %d of %d ready", run.ready.sum(), subs + pubs);
        }
        sleepS(2);
        String load = String.format(Locale.ROOT, "%,d subs, %d pub%s, %s msg/s", subs, pubs, pubs > 1 ? "s" : "", fmt(rate));
        return publishPhase(str("label", "fan-out"), load, subs);
    }

    private String rooms() throws Exception {
        int n = num("conns", 2000) / 2 * 2;
        double r = dbl("per-conn-rate", 5);
        for (int i = 0; i < n; i++) {
            // the two members of room i are connections 2i and 2i+1; with two URLs they land on different members
            Conn c = addConn(i, "room" + (i / 2), false, urls.get(i % urls.size()));
            c.periodNs = (long) (1e9 / r);
        }
        openPaced(conns, num("connect-rate", 1000));
        if (!awaitReady(n, 60)) {
            log("WARNING: only %d of %d ready", run.ready.sum(), n);
        }
        sleepS(2);
        String load = String.format(Locale.ROOT, "%,d conns, %,d rooms x 2, %s msg/s each (%s msg/s)%s", n, n / 2, fmt(r), fmt(r * n),
                urls.size() > 1 ? ", " + urls.size() + " members" : "");
        return publishPhase(str("label", urls.size() > 1 ? "cross-member" : "rooms"), load, 2);
    }

    /** Warm-up, measured window, drain; fanoutPerMsg = deliveries each publication should cause. */
    private String publishPhase(String label, String load, int fanoutPerMsg) throws Exception {
        int warmup = num("warmup", 10);
        int duration = num("duration", 30);
        int drain = num("drain", 10);
        for (Loop l : loops) {
            l.call(() -> {
                long now = System.nanoTime();
                for (Conn c : conns) {
                    if (c.loop == l && c.periodNs > 0 && c.isOpen()) {
                        c.nextSend = now + (long) (Math.random() * c.periodNs);
                        l.schedulePublisher(c);
                    }
                }
            });
        }
        run.publishing = true;
        log("warm-up %d s", warmup);
        sleepS(warmup);
        run.measuring = true;
        Meter m = new Meter();
        long t0 = System.nanoTime();
        log("measuring %d s", duration);
        sleepS(duration);
        run.publishing = false;
        for (Loop l : loops) {
            l.call(l::clearSchedule);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Meter.Delta cpu = m.delta();
        long recvInWindow = run.receivedMeasured.sum();
        long sent = run.sentMeasured.sum();
        long expected = sent * fanoutPerMsg;
        long deadline = System.nanoTime() + drain * 1_000_000_000L;
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline && run.receivedMeasured.sum() < expected) {
            long now = run.receivedMeasured.sum();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 3_000_000_000L) {
                break;
            }
            sleepNs(100_000_000L);
        }
        long received = run.receivedMeasured.sum();
        long lost = expected - received;
        Histogram h = merged(l -> l.latency);
        log("sent %,d in %.1f s (%.0f/s; %d times >1 s behind), expected %,d deliveries, received %,d in window + %,d after, lost %,d",
                sent, secs, sent / secs, run.publishBehind.sum(), expected, recvInWindow, received - recvInWindow, lost);
        log("error replies %d, closed by server %d, failed %d", run.errorReplies.sum(), run.closedByServer.sum(), run.failed.sum());
        String result = String.format(Locale.ROOT, "%,.0f deliveries/s (%,.0f msg/s sent)", recvInWindow / secs, sent / secs);
        String loss = lost == 0 ? "0" : String.format(Locale.ROOT, "%,d (%.2f%%)", lost, 100.0 * lost / Math.max(1, expected));
        if (run.errorReplies.sum() > 0 || run.closedByServer.sum() > 0) {
            loss += String.format(Locale.ROOT, "; %d err replies, %d closed", run.errorReplies.sum(), run.closedByServer.sum());
        }
        return row(label, load, result, loss, h, cpu, String.format(Locale.ROOT, "RSS %s", mb(server.serverRss())));
    }

    // ------------------------------------------------------------------ plumbing

    private Conn addConn(int index, String room, boolean publisher, URI url) {
        Loop loop = loops.get(conns.size() % loops.size());
        InetSocketAddress local = sources.isEmpty() ? null : sources.get(conns.size() % sources.size());
        InetSocketAddress remote = new InetSocketAddress(url.getHost(), url.getPort());
        String base = url.getRawPath();
        Conn c = new Conn(loop, run, proto, index, room, publisher, remote, local);
        c.path = proto.path(base, c);
        conns.add(c);
        return c;
    }

    private void openPaced(List<Conn> list, int rate) {
        long start = System.nanoTime();
        for (int i = 0; i < list.size(); i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Conn c = list.get(i);
            c.loop.execute(c::open);
        }
    }

    private boolean awaitReady(long n, int extraSeconds) {
        long deadline = System.nanoTime() + extraSeconds * 1_000_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            long r = run.ready.sum();
            if (r >= n) {
                return true;
            }
            if (r + run.failed.sum() >= n) {
                return false;
            }
            if (r != last) {
                last = r;
                deadline = Math.max(deadline, System.nanoTime() + 10_000_000_000L);
            }
            sleepNs(20_000_000L);
        }
        return false;
    }

    private void closeAll() throws InterruptedException {
        for (Loop l : loops) {
            l.call(() -> {
                for (Conn c : conns) {
                    if (c.loop == l) {
                        c.close();
                    }
                }
            });
        }
    }

    private Histogram merged(java.util.function.Function<Loop, Histogram> f) throws InterruptedException {
        Histogram all = new Histogram(3_600_000_000L, 3);
        for (Loop l : loops) {
            l.call(() -> all.add(f.apply(l)));
        }
        return all;
    }

    /** CPU of server and client over a window. */
    private final class Meter {
        final long t0 = System.nanoTime();
        final long s0 = server.serverCpuNs();
        final long c0 = ProcStats.clientCpuNs();

        record Delta(double serverPct, double clientPct) {
        }

        Delta delta() {
            double wall = System.nanoTime() - t0;
            return new Delta(100.0 * (server.serverCpuNs() - s0) / wall, 100.0 * (ProcStats.clientCpuNs() - c0) / wall);
        }
    }

    private String row(String label, String load, String result, String loss, Histogram h, Meter.Delta cpu, String mem) {
        log("%s %s: %s, loss %s, p50 %s p90 %s p99 %s p99.9 %s max %s ms, server CPU %.0f%%, client CPU %.0f%%, %s",
                label, stack, result, loss, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), maxMs(h), cpu.serverPct(), cpu.clientPct(), mem);
        for (var e : run.samples.entrySet()) {
            log("  sample %s: %s", e.getKey(), e.getValue());
        }
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f%% | %.0f%% | %s |",
                label, stack, load, result, loss, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), maxMs(h), cpu.serverPct(), cpu.clientPct(), mem);
    }

    static String ms(Histogram h, double p) {
        return h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", h.getValueAtPercentile(p) / 1000.0);
    }

    static String maxMs(Histogram h) {
        return h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", h.getMaxValue() / 1000.0);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void startGateWatch() {
        String gate = opt.get("gate");
        if (gate == null || gate.isBlank()) {
            return;
        }
        Thread t = new Thread(() -> {
            while (true) {
                if (!Files.exists(Path.of(gate)) && !gateLost) {
                    gateLost = true;
                    log("WARNING: %s disappeared during the run", gate);
                }
                sleepNs(1_000_000_000L);
            }
        }, "gate-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void log(String fmt, Object... args) {
        System.err.printf(Locale.ROOT, "[loadgen] " + fmt + "%n", args);
    }

    private static void sleepS(int s) {
        sleepNs(s * 1_000_000_000L);
    }

    private static void sleepNs(long ns) {
        long end = System.nanoTime() + ns;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private String str(String k, String d) {
        return opt.getOrDefault(k, d);
    }

    private int num(String k, int d) {
        return opt.containsKey(k) ? Integer.parseInt(opt.get(k).replace("_", "")) : d;
    }

    private double dbl(String k, double d) {
        return opt.containsKey(k) ? Double.parseDouble(opt.get(k)) : d;
    }

    private boolean bool(String k, boolean d) {
        return opt.containsKey(k) ? Boolean.parseBoolean(opt.get(k)) : d;
    }
}
