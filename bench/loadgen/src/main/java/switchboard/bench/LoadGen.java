package switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Switchboard load client. One scenario per invocation; prints a human summary and one Markdown
 * table row (also appended to --out). See bench/README.md for the options.
 */
public final class LoadGen {

    /** connections: connects slower than this are placed on the ramp's timeline */
    private static final int SLOW_CONNECT_MS = 50;

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
            System.err.println("usage: java -jar loadgen.jar --scenario connections|fanout|rooms|publish-sat|resume|ingress|storm --stack switchboard|bare|socketio "
                    + "--url ws://127.0.0.1:8080/switchboard/ws[,ws://...] [--server-pid PID[,PID]] [options]  (see bench/README.md)");
            System.exit(2);
        }
        LoadGen g = new LoadGen(opt);
        g.startGateWatch();
        g.run.retryRefused = !opt.get("scenario").equals("connections");
        String row = switch (opt.get("scenario")) {
            case "connections" -> g.connections();
            case "fanout" -> g.fanout();
            case "rooms" -> g.rooms();
            case "publish-sat" -> g.publishSat();
            case "resume" -> g.resume();
            case "ingress" -> g.ingress();
            case "storm" -> g.storm();
            default -> throw new IllegalArgumentException("unknown scenario " + opt.get("scenario"));
        };
        g.closeAll();
        if (g.gateLost) {
            row = row.replaceAll("(?m)^\\| ", "| (quiet gate lost) ");
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
        Instant wallT0 = Instant.now();
        for (int i = 0; i < n; i++) {
            addConn(i, null, false, urls.get(i % urls.size()));
        }
        openPaced(conns, rate);
        boolean all = awaitReady(n, 30);
        double openSecs = (System.nanoTime() - t0) / 1e9;
        Meter.Delta cpu = m.delta();
        log("%d/%d ready in %.1f s (%s), failed %d", run.ready.sum(), n, openSecs, all ? "all" : "NOT all", run.failed.sum());
        logSlowConnects(t0, wallT0);
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

    /**
     * Where in the ramp the slow connects (over {@value #SLOW_CONNECT_MS} ms) started, by 250 ms of
     * start time, with the wall-clock time of the ramp's start: a tail that comes from one stall
     * shows as one cluster, to be matched with the server's GC or safepoint log.
     */
    private void logSlowConnects(long t0, Instant wallT0) {
        TreeMap<Long, long[]> buckets = new TreeMap<>(); // bucket -> {count, max us}
        for (Conn c : conns) {
            if (c.readyNs == 0) {
                continue;
            }
            long us = (c.readyNs - c.startNs) / 1000;
            if (us > SLOW_CONNECT_MS * 1000L) {
                long[] b = buckets.computeIfAbsent((c.startNs - t0) / 250_000_000L, k -> new long[2]);
                b[0]++;
                b[1] = Math.max(b[1], us);
            }
        }
        StringBuilder line = new StringBuilder();
        buckets.forEach((k, b) -> line.append(String.format(Locale.ROOT, " %.2fs:%d(max %d ms)", k / 4.0, b[0], b[1] / 1000)));
        log("slow connects (> %d ms) by start time after %s:%s", SLOW_CONNECT_MS, wallT0, line.length() == 0 ? " none" : line);
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
            Conn c = addConn(i, str("channel-prefix", "") + "room" + (i / 2), false, urls.get(i % urls.size()));
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

    /**
     * Publish saturation with acknowledgements: publishers on many channels, the offered rate
     * stepping up (--rates); each step has its own warm-up, measured window and drain. A step is
     * sustained when every publication of its window was answered ok (on a channel with history:
     * stored) and delivered to every subscriber, nothing was refused, and the ok replies inside the
     * window kept up with what was sent (at least 97%: no growing backlog). Stops after the first
     * step that is not sustained (--all-steps true: runs every step). One row per step and a last
     * row with the highest sustained rate.
     */
    private String publishSat() throws Exception {
        if (!stack.equals("switchboard")) {
            throw new IllegalArgumentException("publish-sat needs --stack switchboard (it counts the hub's ok replies)");
        }
        List<Double> rates = new ArrayList<>();
        for (String r : str("rates", "1000,2000,4000").split("[, ]+")) {
            if (!r.isBlank()) {
                rates.add(Double.parseDouble(r.replace("_", "")));
            }
        }
        int channels = num("channels", 100);
        int subsPer = num("subs-per-channel", 1);
        double perPubMax = dbl("per-pub-max", 80);
        double maxRate = rates.stream().mapToDouble(Double::doubleValue).max().orElse(1000);
        int pubs = num("publishers", channels * (int) Math.ceil(maxRate / (perPubMax * channels)));
        boolean allSteps = bool("all-steps", false);
        String prefix = str("channel-prefix", "") + "sat-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        int idx = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int s = 0; s < subsPer; s++) {
                addConn(idx++, prefix + ch, false, urls.get(idx % urls.size()));
            }
        }
        List<Conn> publishers = new ArrayList<>();
        for (int j = 0; j < pubs; j++) {
            Conn p = addConn(idx++, prefix + (j % channels), true, urls.get(idx % urls.size()));
            p.ackIds = true;
            publishers.add(p);
        }
        openPaced(conns, num("connect-rate", 1000));
        if (!awaitReady(conns.size(), 60)) {
            log("WARNING: only %d of %d ready", run.ready.sum(), conns.size());
        }
        sleepS(2);
        log("%d publishers on %d channels, %d subscriber(s) each; steps %s msg/s", pubs, channels, subsPer, rates);
        StringBuilder rows = new StringBuilder();
        double highest = 0;
        String firstFail = null;
        for (double rate : rates) {
            if (rate / pubs > 100) {
                log("WARNING: %.0f msg/s over %d publishers is more than the hub's 100 publications/s per connection", rate, pubs);
            }
            String[] step = step(publishers, rate, channels, subsPer);
            rows.append(step[1]).append('\n');
            if (step[0] != null) {
                if (firstFail == null) {
                    firstFail = fmt(rate) + " msg/s: " + step[0];
                }
                if (!allSteps) {
                    break;
                }
            } else if (firstFail == null) {
                highest = rate;
            }
            sleepS(num("step-settle", 5));
        }
        String summary = String.format(Locale.ROOT, "| publish saturation%s | %s | %,d pubs → %,d channels × %d sub, steps %s msg/s | highest sustained: **%s msg/s**, every publication acknowledged and delivered | %s | | | | | | | | |",
                str("tag", "").isBlank() ? "" : " [" + str("tag", "") + "]", stack, pubs, channels, subsPer,
                rates.stream().map(LoadGen::fmt).reduce((a, b) -> a + "/" + b).orElse(""),
                highest == 0 ? "none" : String.format(Locale.ROOT, "%,.0f", highest),
                firstFail == null ? "every step sustained" : "first not sustained: " + firstFail);
        log("%s", summary);
        return rows + summary;
    }

    /** One step of publish-sat: returns {why it was not sustained (null: sustained), its row}. */
    private String[] step(List<Conn> publishers, double rate, int channels, int subsPer) throws Exception {
        int warmup = num("step-warmup", 5);
        int duration = num("step-duration", 20);
        int drain = num("drain", 10);
        long period = (long) (1e9 * publishers.size() / rate);
        run.measuring = false;
        run.measuredFrom = run.seq.get();
        long err0 = run.errorReplies.sum(), closed0 = run.closedByServer.sum(), behind0 = run.publishBehind.sum();
        long sent0 = run.sentMeasured.sum(), recv0 = run.receivedMeasured.sum(), ack0 = run.ackedMeasured.sum();
        run.samples.clear();
        for (Loop l : loops) {
            l.call(() -> {
                l.latency.reset();
                l.ack.reset();
                long now = System.nanoTime();
                for (Conn c : publishers) {
                    if (c.loop == l && c.isOpen()) {
                        c.periodNs = period;
                        c.budget = -1;
                        c.nextSend = now + (long) (Math.random() * period);
                        l.schedulePublisher(c);
                    }
                }
            });
        }
        run.publishing = true;
        log("step %s msg/s: warm-up %d s", fmt(rate), warmup);
        sleepS(warmup);
        run.measuring = true;
        Meter m = new Meter();
        long t0 = System.nanoTime();
        sleepS(duration);
        run.publishing = false;
        run.measuring = false;
        for (Loop l : loops) {
            l.call(l::clearSchedule);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Meter.Delta cpu = m.delta();
        long sent = run.sentMeasured.sum() - sent0;
        long ackedInWindow = run.ackedMeasured.sum() - ack0;
        long recvInWindow = run.receivedMeasured.sum() - recv0;
        long expected = sent * subsPer;
        drain(() -> run.receivedMeasured.sum() - recv0 >= expected && run.ackedMeasured.sum() - ack0 >= sent,
                () -> run.receivedMeasured.sum() + run.ackedMeasured.sum(), drain);
        long received = run.receivedMeasured.sum() - recv0;
        long acked = run.ackedMeasured.sum() - ack0;
        long errors = run.errorReplies.sum() - err0;
        long closed = run.closedByServer.sum() - closed0;
        long behind = run.publishBehind.sum() - behind0;
        long lost = expected - received;
        Histogram ackH = merged(l -> l.ack);
        Histogram delH = merged(l -> l.latency);
        log("step %s msg/s: sent %,d in %.1f s (%.0f/s; %d times >1 s behind), acked %,d in window + %,d after, "
                        + "deliveries expected %,d, received %,d in window + %,d after; error replies %d, closed %d",
                fmt(rate), sent, secs, sent / secs, behind, ackedInWindow, acked - ackedInWindow, expected, recvInWindow,
                received - recvInWindow, errors, closed);
        log("step %s msg/s: delivery p50 %s p99 %s max %s ms", fmt(rate), ms(delH, 50), ms(delH, 99), maxMs(delH));
        String why = null;
        if (errors > 0 || closed > 0) {
            why = errors + " error replies, " + closed + " closed";
        } else if (acked < sent || lost > 0) {
            why = String.format(Locale.ROOT, "%,d unacknowledged, %,d deliveries lost", sent - acked, lost);
        } else if (sent / secs < 0.97 * rate || behind > 0) {
            why = String.format(Locale.ROOT, "the load client offered only %.0f msg/s", sent / secs);
        } else if (ackedInWindow < 0.97 * sent) {
            why = String.format(Locale.ROOT, "acknowledgements fell behind (%.0f%% in the window)", 100.0 * ackedInWindow / Math.max(1, sent));
        }
        String load = String.format(Locale.ROOT, "%,d pubs → %,d channels × %d sub, %s msg/s offered", publishers.size(), channels, subsPer,
                String.format(Locale.ROOT, "%,.0f", rate));
        String result = String.format(Locale.ROOT, "%,.0f acked/s, %,.0f deliveries/s (delivery p50 %s, p99 %s ms)",
                ackedInWindow / secs, recvInWindow / secs, ms(delH, 50), ms(delH, 99));
        String loss = why == null ? "0 (sustained)" : "**not sustained**: " + why;
        return new String[]{why, row(str("label", "publish saturation"), load, result, loss, ackH, cpu,
                String.format(Locale.ROOT, "RSS %s", mb(server.serverRss())))};
    }

    /**
     * Resume: clients subscribe to channels with history and see a first message; they disconnect;
     * each channel's publisher publishes --missed messages (acknowledged: stored); every client
     * reconnects (paced) and subscribes with since = the last position it saw. Once all of them
     * are answered, each publisher publishes a live marker. A client is caught up when it has the
     * last missed message and live when the marker arrives; every message must follow the one
     * before it (same epoch, seq + 1): gaps, duplicates and epoch changes are errors, as are
     * replies without recovered:true and clients not live in the end. Per-client catch-up time is
     * from the reconnect (connect start) to the last missed message.
     */
    private String resume() throws Exception {
        if (!stack.equals("switchboard")) {
            throw new IllegalArgumentException("resume needs --stack switchboard");
        }
        int n = num("clients", 1000);
        int channels = num("channels", 100);
        int missed = num("missed", 100);
        int pre = num("pre", 1);
        double pubRate = dbl("pub-rate", 2000);
        int rate = num("connect-rate", 1000);
        double liveRate = dbl("live-rate", 0);
        int timeout = num("live-timeout", 60);
        String prefix = str("channel-prefix", "") + "resume-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        List<Track> tracks = new ArrayList<>();
        List<Conn> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Track k = new Track(i % channels);
            Conn c = addConn(i, prefix + k.channel, false, urls.get(0));
            c.track = k;
            tracks.add(k);
            clients.add(c);
        }
        List<Conn> publishers = new ArrayList<>();
        for (int j = 0; j < channels; j++) {
            Conn p = addConn(n + j, prefix + j, true, urls.get(0));
            p.ackIds = true;
            publishers.add(p);
        }
        openPaced(conns, rate);
        if (!awaitReady(n + channels, 60)) {
            log("WARNING: only %d of %d ready", run.ready.sum(), n + channels);
        }
        sleepS(1);
        double perPub = Math.min(pubRate / channels, 90);
        // 1. every client sees --pre messages live: its last position
        publishBudget(publishers, pre, perPub);
        waitFor(() -> run.acked.sum() >= (long) channels * pre && run.receivedAll.sum() >= (long) n * pre, 30);
        stopPublishing();
        log("before disconnecting: %,d of %,d acked, %,d of %,d deliveries", run.acked.sum(), (long) channels * pre,
                run.receivedAll.sum(), (long) n * pre);
        // 2. the clients go away; the publishers publish what they will miss
        for (Loop l : loops) {
            l.call(() -> {
                for (Conn c : clients) {
                    if (c.loop == l) {
                        c.close();
                    }
                }
            });
        }
        sleepS(2);
        long acked0 = run.acked.sum();
        long err0 = run.errorReplies.sum();
        long tm = System.nanoTime();
        publishBudget(publishers, missed, perPub);
        waitFor(() -> run.acked.sum() - acked0 + run.errorReplies.sum() - err0 >= (long) channels * missed,
                (int) (missed / perPub) + 30);
        stopPublishing();
        double missSecs = (System.nanoTime() - tm) / 1e9;
        long missAcked = run.acked.sum() - acked0;
        log("while away: %,d of %,d publications acknowledged in %.1f s (%.0f stored msg/s), %d error replies",
                missAcked, (long) channels * missed, missSecs, missAcked / missSecs, run.errorReplies.sum() - err0);
        long[] targetEpoch = new long[channels];
        long[] target = new long[channels];
        for (Loop l : loops) {
            l.call(() -> {
                for (int j = 0; j < channels; j++) {
                    if (publishers.get(j).loop == l) {
                        targetEpoch[j] = publishers.get(j).ackEpoch;
                        target[j] = publishers.get(j).ackSeq;
                    }
                }
            });
        }
        // 3. every client reconnects and resumes; the publishers may keep publishing live meanwhile
        List<Conn> again = new ArrayList<>();
        long wrongEpoch = 0;
        for (int i = 0; i < n; i++) {
            Conn old = clients.get(i);
            Track k = tracks.get(i);
            Conn c = new Conn(old.loop, run, proto, old.index, old.room, false, old.remote, old.local);
            c.path = old.path;
            c.origin = old.origin;
            c.track = k;
            again.add(c);
        }
        for (Loop l : loops) {
            l.call(() -> {
                for (Conn c : again) {
                    if (c.loop == l) {
                        Track k = c.track;
                        k.resuming = true;
                        k.target = target[k.channel];
                    }
                }
                l.connect.reset();
                l.latency.reset();
            });
        }
        for (int i = 0; i < n; i++) {
            if (tracks.get(i).epoch != targetEpoch[tracks.get(i).channel]) {
                wrongEpoch++;
            }
        }
        if (wrongEpoch > 0) {
            log("WARNING: %d clients saw another epoch before disconnecting than their channel's publisher was answered", wrongEpoch);
        }
        conns.addAll(again);
        run.ready.reset();
        Meter m = new Meter();
        if (liveRate > 0) {
            publishBudget(publishers, -1, Math.min(liveRate, 90));
        }
        long t0 = System.nanoTime();
        log("reconnecting %,d clients at %,d/s%s", n, rate, liveRate > 0 ? ", live publications " + fmt(liveRate) + " msg/s per channel" : "");
        openPaced(again, rate);
        waitFor(() -> run.recovered.sum() + run.notRecovered.sum() + run.failed.sum() >= n, timeout);
        double repliedSecs = (System.nanoTime() - t0) / 1e9;
        stopPublishing();
        long tMarker = System.nanoTime();
        for (Conn p : publishers) {
            p.loop.execute(() -> {
                long t = System.nanoTime();
                p.sendText("{\"type\":\"publish\",\"id\":\"" + t + "_0\",\"channel\":\"" + p.room + "\",\"data\":{\"t\":" + t
                        + ",\"seq\":0,\"mk\":1}}");
            });
        }
        waitFor(() -> run.live.sum() + run.failed.sum() >= n, timeout);
        Meter.Delta cpu = m.delta();
        long[] lastCaught = new long[1];
        long[] lastLive = new long[1];
        for (Loop l : loops) {
            l.call(() -> {
                for (Conn c : again) {
                    if (c.loop == l) {
                        lastCaught[0] = Math.max(lastCaught[0], c.track.caughtUp ? c.track.caughtUpNs - t0 : 0);
                        lastLive[0] = Math.max(lastLive[0], c.track.live ? c.track.liveNs - t0 : 0);
                    }
                }
            });
        }
        long caught = run.caughtUp.sum();
        long live = run.live.sum();
        Histogram h = merged(l -> l.latency);
        Histogram connect = merged(l -> l.connect);
        log("reconnect: %,d ready, connect p50 %s p99 %s ms; all answered after %.2f s; recovered %,d, not %,d",
                run.ready.sum(), ms(connect, 50), ms(connect, 99), repliedSecs, run.recovered.sum(), run.notRecovered.sum());
        log("caught up %,d of %,d (last after %.2f s); live %,d (last after %.2f s; marker published at %.2f s)",
                caught, n, lastCaught[0] / 1e9, live, lastLive[0] / 1e9, (tMarker - t0) / 1e9);
        log("gaps %d (%d messages), duplicates %d, epoch changes %d, error replies %d, closed by server %d, failed %d",
                run.gaps.sum(), run.gapMessages.sum(), run.duplicates.sum(), run.epochChanges.sum(), run.errorReplies.sum(),
                run.closedByServer.sum(), run.failed.sum());
        List<String> errs = new ArrayList<>();
        addErr(errs, run.gaps.sum(), "gaps (" + run.gapMessages.sum() + " msgs)");
        addErr(errs, run.duplicates.sum(), "duplicates");
        addErr(errs, run.epochChanges.sum(), "epoch changes");
        addErr(errs, run.notRecovered.sum(), "not recovered");
        addErr(errs, n - caught, "not caught up");
        addErr(errs, n - live, "not live");
        addErr(errs, run.errorReplies.sum(), "error replies");
        addErr(errs, (long) channels * missed - missAcked, "missed publications not acked");
        addErr(errs, run.closedByServer.sum(), "closed by server");
        addErr(errs, run.failed.sum(), "failed");
        String load = String.format(Locale.ROOT, "%,d clients, %,d channels, %,d missed each, reconnect @ %,d/s%s", n, channels, missed, rate,
                liveRate > 0 ? ", live " + fmt(liveRate) + " msg/s/channel" : "");
        String result = live == n
                ? String.format(Locale.ROOT, "all live in %.2f s (all caught up in %.2f s)", lastLive[0] / 1e9, lastCaught[0] / 1e9)
                : String.format(Locale.ROOT, "%,d of %,d live, %,d caught up", live, n, caught);
        String loss = errs.isEmpty() ? "**0 errors**" : String.join(", ", errs);
        return row(str("label", "resume"), load, result, loss, h, cpu, String.format(Locale.ROOT, "RSS %s", mb(server.serverRss())));
    }

    /**
     * Reconnect storm (issue 21): what the clients of a lost member meet when they all arrive at
     * once. Preparation: one connection publishes one message (with an id, answered ok with epoch
     * and seq) on each of --channels new channels. Then --clients clients connect as fast as this
     * client can, at most --inflight handshakes in progress at once, each subscribing to channel
     * i mod K with since = that channel's position; a client is live when the reply is ok with
     * recovered:true. Refused handshakes (503, 429) are tried again after Retry-After x
     * uniform[0.5, 1.5], other failed attempts after 1 s x the same jitter, until --storm-timeout.
     * Then --hold s more to catch live connections that drop. p-columns: per-client time to live
     * (first attempt's start -> live); CPU over the storm (start -> all live, or the deadline).
     */
    private String storm() throws Exception {
        if (!stack.equals("switchboard")) {
            throw new IllegalArgumentException("storm needs --stack switchboard (it resumes with since)");
        }
        int n = num("clients", 10000);
        int channels = num("channels", 100);
        int inflight = num("inflight", 500);
        int timeout = num("storm-timeout", 60);
        int hold = num("hold", 5);
        int answerTimeout = num("answer-timeout", 15);
        URI url = urls.get(0);
        String prefix = str("channel-prefix", "") + "storm-" + Long.toString(System.currentTimeMillis(), 36) + "-";

        // 1. one message on each channel: its ok reply is the position the clients resume from
        Conn prep = addConn(n, null, true, url);
        prep.ackIds = true;
        prep.posEpoch = new long[channels];
        prep.posSeq = new long[channels];
        prep.loop.execute(prep::open);
        if (!awaitReady(1, 30)) {
            throw new IllegalStateException("the preparation connection did not get its welcome (" + run.samples + ")");
        }
        long[] epochs = new long[channels];
        long[] seqs = new long[channels];
        long tp = System.nanoTime();
        for (int round = 1; round <= 3; round++) {
            List<Integer> todo = new ArrayList<>();
            for (int k = 0; k < channels; k++) {
                if (epochs[k] == 0) {
                    todo.add(k);
                }
            }
            if (todo.isEmpty()) {
                break;
            }
            long acked0 = run.acked.sum(), err0 = run.errorReplies.sum();
            for (int k : todo) {   // <= 80 publications/s: the hub allows one connection 100/s
                prep.loop.execute(() -> {
                    long t = System.nanoTime();
                    prep.sendText("{\"type\":\"publish\",\"id\":\"" + t + "_" + k + "\",\"channel\":\"" + prefix + k
                            + "\",\"data\":{\"t\":" + t + ",\"seq\":0}}");
                });
                sleepNs(12_500_000L);
            }
            waitFor(() -> run.acked.sum() - acked0 + run.errorReplies.sum() - err0 >= todo.size(), 15);
            prep.loop.call(() -> {
                for (int k = 0; k < channels; k++) {
                    epochs[k] = prep.posEpoch[k];
                    seqs[k] = prep.posSeq[k];
                }
            });
        }
        for (int k = 0; k < channels; k++) {
            if (epochs[k] == 0) {
                throw new IllegalStateException("channel " + prefix + k + ": no ok reply with a position to the preparation's publication ("
                        + run.samples + ")");
            }
        }
        log("prepared %d channels %s0..%d (one stored message each) in %.1f s", channels, prefix, channels - 1, (System.nanoTime() - tp) / 1e9);
        prep.loop.call(prep::close);
        conns.remove(prep);
        run.samples.clear();
        sleepS(1);

        // 1b. the member's established connections: rooms of two that keep publishing through the storm
        int held = num("held", 200) / 2 * 2;
        double heldRate = dbl("held-rate", 2);
        if (held > 0) {
            for (int i = 0; i < held; i++) {
                Conn c = addConn(n + 1 + i, prefix + "held" + (i / 2), false, url);
                c.periodNs = (long) (1e9 / heldRate);
                c.ackIds = true;   // each publication's fate (ok, error, nothing) is known, not inferred from deliveries
            }
            long ready0 = run.ready.sum();
            openPaced(conns, 500);
            if (!awaitReady(ready0 + held, 30)) {
                throw new IllegalStateException("only " + (run.ready.sum() - ready0) + " of " + held + " held connections ready (" + run.samples + ")");
            }
            startPublishing();
            sleepS(2);
            run.measuredFrom = run.seq.get();
            run.fates = new Run.Fates();
            run.measuring = true;
        }
        long errorsBefore = run.errorReplies.sum();

        // 2. the storm
        Storm storm = new Storm(run, proto, new InetSocketAddress(url.getHost(), url.getPort()), url.getRawPath(), originOf(url),
                answerTimeout * 1_000_000_000L);
        List<Storm.Lane> lanes = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            lanes.add(storm.lane(loops.get(i), inflight / loops.size() + (i < inflight % loops.size() ? 1 : 0)));
        }
        for (int i = 0; i < n; i++) {
            int k = i % channels;
            storm.client(i, lanes.get(i % lanes.size()), prefix + k, epochs[k], seqs[k], sources.isEmpty() ? null : sources.get(i % sources.size()));
        }
        long rssBefore = server.serverRss();
        String load0 = loadavg();
        log("storm: %,d clients on %d channels, at most %d handshakes in flight, timeout %d s; server RSS %s; load average %s",
                n, channels, inflight, timeout, mb(rssBefore), load0);
        Meter m = new Meter();
        storm.start(timeout * 1_000_000_000L);
        long nextLog = storm.t0 + 5_000_000_000L;
        while (storm.settled() < n && System.nanoTime() < storm.deadlineNs) {
            sleepNs(10_000_000L);
            if (System.nanoTime() >= nextLog) {
                nextLog += 5_000_000_000L;
                log("  %4.1f s: live %,d, handshakes in flight %d, attempts %,d, refused %s, failed attempts %s",
                        (System.nanoTime() - storm.t0) / 1e9, storm.live.sum(), storm.inflight.sum(), storm.attempts.sum(),
                        Storm.counts(storm.refused), Storm.counts(storm.attemptFailures));
            }
        }
        Meter.Delta cpu = m.delta();
        String heldResult = held == 0 ? "" : heldDuringStorm(held, heldRate, errorsBefore);
        long live = storm.live.sum();
        boolean allLive = live == n;
        double allSecs = allLive ? (storm.lastLiveNs.get() - storm.t0) / 1e9 : (System.nanoTime() - storm.t0) / 1e9;
        if (!allLive) {
            storm.stop();
            log("storm: deadline (%d s) or nothing left to try: %,d of %,d live", timeout, live, n);
        }
        log("storm: %s after %.2f s (first live after %.3f s); %,d attempts, %,d retries; server CPU %.0f%%, client CPU %.0f%%",
                allLive ? "all live" : "NOT all live", allSecs, storm.firstLiveNs.get() == Long.MAX_VALUE ? -1 : (storm.firstLiveNs.get() - storm.t0) / 1e9,
                storm.attempts.sum(), storm.retries.sum(), cpu.serverPct(), cpu.clientPct());
        // 3. hold: a live connection that closes now is a drop
        log("holding %d s", hold);
        sleepS(hold);
        long rssAfter = server.serverRss();
        long drops = storm.drops.sum();
        storm.closeAll();
        Histogram ttl = storm.merged(l -> l.timeToLive);
        Histogram hs = storm.merged(l -> l.handshake);
        Histogram hw = storm.merged(l -> l.welcome);
        long refusedAll = storm.refused.values().stream().mapToLong(LongAdder::sum).sum();
        long failed = n - live;
        log("time to live (first attempt -> live): p50 %s p90 %s p99 %s p99.9 %s max %s ms", ms(ttl, 50), ms(ttl, 90), ms(ttl, 99),
                ms(ttl, 99.9), maxMs(ttl));
        log("handshake only (connect -> 101, %,d upgraded attempts): p50 %s p99 %s max %s ms; connect -> welcome p50 %s p99 %s max %s ms",
                hs.getTotalCount(), ms(hs, 50), ms(hs, 99), maxMs(hs), ms(hw, 50), ms(hw, 99), maxMs(hw));
        log("refused by status: %s; failed attempts: %s", Storm.counts(storm.refused), Storm.counts(storm.attemptFailures));
        log("not live at the end %,d (not recovered %,d), dropped after live %,d (%s); server RSS %s before, %s with the clients (%.1f KB each)",
                failed, storm.notRecovered.sum(), drops, Storm.counts(storm.dropKinds), mb(rssBefore), mb(rssAfter),
                (rssAfter - rssBefore) / 1024.0 / Math.max(1, live));
        String load = String.format(Locale.ROOT, "%,d clients, %,d channels, ≤%,d handshakes in flight", n, channels, inflight);
        String result = allLive ? String.format(Locale.ROOT, "all live in %.2f s", allSecs)
                : String.format(Locale.ROOT, "%,d of %,d live", live, n);
        String refusedStr;
        if (refusedAll == 0) {
            refusedStr = "0 refused";
        } else if (storm.refused.size() == 1) {
            refusedStr = String.format(Locale.ROOT, "%,d refused (%s)", refusedAll, storm.refused.keySet().iterator().next());
        } else {
            refusedStr = String.format(Locale.ROOT, "%,d refused (%s)", refusedAll, Storm.counts(storm.refused));
        }
        long otherFailures = storm.attemptFailures.values().stream().mapToLong(LongAdder::sum).sum();
        String loss = String.format(Locale.ROOT, "%,d failed, %,d dropped", failed, drops)
                + (storm.notRecovered.sum() > 0 ? String.format(Locale.ROOT, " (%,d not recovered)", storm.notRecovered.sum()) : "")
                + "; " + refusedStr + String.format(Locale.ROOT, ", %,d retries", storm.retries.sum())
                + (otherFailures > 0 ? String.format(Locale.ROOT, " (%,d attempts failed otherwise)", otherFailures) : "");
        return row(str("label", "reconnect storm"), load, result, loss, ttl, cpu,
                String.format(Locale.ROOT, "RSS %s (+%.1f KB/client), load avg %s%s", mb(rssAfter), (rssAfter - rssBefore) / 1024.0 / Math.max(1, live), load0,
                        heldResult));
    }

    /**
     * The storm is over (all live or the deadline): the held connections stop publishing, every
     * publication they sent during it is answered (ok or error; at most the hub's publish timeout
     * and 10 s more), what was acknowledged is drained (at most 10 s), and their delivery latency
     * over the storm is logged and returned for the row (a storm must not make established
     * connections wait; issue 21). Each publication carries an id, so its fate is counted, not
     * inferred: acknowledged and delivered to both room members, refused (and whether it was
     * delivered anyway), or never answered.
     */
    private String heldDuringStorm(int held, double heldRate, long errorsBefore) throws InterruptedException {
        run.publishing = false;
        run.measuring = false;
        for (Loop l : loops) {
            l.call(l::clearSchedule);
        }
        long sent = run.sentMeasured.sum();
        long from = run.measuredFrom;
        long answerWaitT0 = System.nanoTime();
        // no stall rule here: an answer can come only at the hub's publish timeout (5 s by default)
        Run.Fates fates = run.fates;
        waitFor(() -> fates.acked.sum() + fates.refusedAfterUs.size() >= sent, 15);
        double answerWait = (System.nanoTime() - answerWaitT0) / 1e9;
        long refused = fates.refusedAfterUs.size();
        drainMeasured(2 * (sent - refused), 10);   // a room's two members both receive each message
        run.fates = null;
        long unanswered = sent - fates.acked.sum() - refused;
        long refusedDelivered = 0;
        long lost = 0;   // deliveries missing for publications not refused
        for (long seq = from + 1; seq <= from + sent; seq++) {
            LongAdder d = fates.deliveries.get(seq);
            long got = d == null ? 0 : d.sum();
            if (fates.refusedAfterUs.containsKey(seq)) {
                refusedDelivered += got > 0 ? 1 : 0;
            } else {
                lost += Math.max(0, 2 - got);
            }
        }
        String refusedAfter = fates.refusedAfterUs.values().stream().sorted().map(us -> String.format(Locale.ROOT, "%.0f", us / 1000.0))
                .collect(java.util.stream.Collectors.joining(", "));
        Histogram h = merged(l -> l.latency);
        Histogram ack = merged(l -> l.ack);
        LongAdder closedAdder = new LongAdder();
        for (Loop l : loops) {
            l.call(() -> closedAdder.add(conns.stream().filter(c -> c.loop == l && !c.isOpen()).count()));
        }
        long closed = closedAdder.sum();
        long errors = run.errorReplies.sum() - errorsBefore;   // the held publications' and any other
        log("held connections during the storm: %d in rooms of 2 at %s msg/s each, %,d sent; acknowledged p50 %s p99 %s max %s ms;"
                        + " refused %,d (answered after %s ms; %,d of them delivered anyway), %,d unanswered (all answered after %.1f s);"
                        + " %,d deliveries missing of the rest, %d closed; delivery p50 %s p99 %s p99.9 %s max %s ms; error replies meanwhile %,d",
                held, fmt(heldRate), sent, ms(ack, 50), ms(ack, 99), maxMs(ack), refused, refusedAfter.isEmpty() ? "-" : refusedAfter,
                refusedDelivered, unanswered, answerWait, lost, closed, ms(h, 50), ms(h, 99), ms(h, 99.9), maxMs(h), errors);
        return String.format(Locale.ROOT, "; held %d: p50 %s p99 %s max %s ms, %,d refused (%,d delivered anyway), %,d unanswered,"
                        + " %,d deliveries missing, %d closed",
                held, ms(h, 50), ms(h, 99), maxMs(h), refused, refusedDelivered, unanswered, lost, closed);
    }

    /**
     * Back-end publish (issue 20): --subs WebSocket subscribers on one new channel, and one
     * publisher path (--ingress): rest (POST /api/channels/{ch}/messages), batch (POST /api/publish,
     * --batch messages each), jms (the JMS ingress, through the jms-publisher example's bench-send
     * servlet on the same domain) or ws (WebSocket publishers with ids, at most --per-pub-max msgs/s
     * each). The offered rate steps up through --rates like publish-sat; a step is sustained when
     * every publication was acknowledged (REST, ws: ok; jms: no acknowledgement reaches the sender)
     * and delivered to every subscriber, with no error and no close, the publisher offered >= 97% of
     * the rate, and >= 97% of the deliveries (and acknowledgements) came inside the window. The
     * p-columns are delivery latency (send -> subscriber's parse); the ack latency is in the result.
     */
    private String ingress() throws Exception {
        if (!stack.equals("switchboard")) {
            throw new IllegalArgumentException("ingress needs --stack switchboard");
        }
        String path = str("ingress", "rest");
        List<Double> rates = new ArrayList<>();
        for (String r : str("rates", "100,200,500,1000,2000").split("[, ]+")) {
            if (!r.isBlank()) {
                rates.add(Double.parseDouble(r.replace("_", "")));
            }
        }
        int subs = num("subs", 1000);
        double maxRate = rates.stream().mapToDouble(Double::doubleValue).max().orElse(1000);
        URI ws = urls.get(0);
        String wsPath = ws.getRawPath();
        URI hubBase = URI.create("http://" + ws.getHost() + ":" + ws.getPort()
                + wsPath.substring(0, wsPath.lastIndexOf('/') + 1));   // http://host:port/switchboard/
        String channel = str("channel-prefix", "") + "ingress-" + path + "-" + Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < subs; i++) {
            addConn(i, channel, false, urls.get(i % urls.size()));
        }
        List<Conn> wsPubs = new ArrayList<>();
        java.net.http.HttpClient http = Ingress.client(num("http-threads", 2));
        Ingress driver;
        switch (path) {
            case "rest", "batch" -> {
                int batch = path.equals("rest") ? 1 : num("batch", 20);
                Ingress.Auth auth = new Ingress.Auth(str("auth", "demo:alice:alice-demo"), hubBase, originOf(ws), http);
                driver = new Ingress.Rest(run, hubBase, channel, batch, num("inflight", path.equals("rest") ? 32 : 8), auth, http);
            }
            case "jms" -> driver = new Ingress.Jms(run, URI.create(str("jms-url", "http://" + ws.getHost() + ":" + ws.getPort()
                    + "/jms-publisher/bench-send")), channel, num("jms-threads", 2), http);
            case "ws" -> {
                int pubs = num("publishers", (int) Math.ceil(maxRate / dbl("per-pub-max", 80)));
                for (int j = 0; j < pubs; j++) {
                    Conn p = addConn(subs + j, channel, true, urls.get(j % urls.size()));
                    p.ackIds = true;
                    wsPubs.add(p);
                }
                driver = new WsIngress(run, wsPubs);
            }
            default -> throw new IllegalArgumentException("--ingress rest|batch|jms|ws");
        }
        openPaced(conns, num("connect-rate", 1000));
        if (!awaitReady(conns.size(), 60)) {
            log("WARNING: only %d of %d ready", run.ready.sum(), conns.size());
        }
        sleepS(2);
        log("ingress %s: %s; %d subscribers on %s; steps %s msg/s; load average %s", path, driver.describe(), subs, channel, rates,
                loadavg());
        StringBuilder rows = new StringBuilder();
        double highest = 0;
        String firstFail = null;
        for (double rate : rates) {
            String[] step = ingressStep(driver, path, rate, subs);
            rows.append(step[1]).append('\n');
            if (step[0] != null) {
                if (firstFail == null) {
                    firstFail = fmt(rate) + " msg/s: " + step[0];
                }
                if (!bool("all-steps", false)) {
                    break;
                }
            } else if (firstFail == null) {
                highest = rate;
            }
            sleepS(num("step-settle", 5));
        }
        String summary = String.format(Locale.ROOT, "| back-end publish, %s%s | %s | %,d subs, %s, steps %s msg/s | highest sustained: **%s** msg/s | %s | | | | | | | | load avg %s |",
                path, str("tag", "").isBlank() ? "" : " [" + str("tag", "") + "]", stack, subs, driver.describe(),
                rates.stream().map(LoadGen::fmt).reduce((a, b) -> a + "/" + b).orElse(""),
                highest == 0 ? "none" : rateStr(highest),
                firstFail == null ? "every step sustained" : "first not sustained: " + firstFail, loadavg());
        log("%s", summary);
        return rows + summary;
    }

    /** One step of ingress: returns {why it was not sustained (null: sustained), its row}. */
    private String[] ingressStep(Ingress driver, String path, double rate, int subs) throws Exception {
        int warmup = num("step-warmup", 5);
        int duration = num("step-duration", 20);
        int drain = num("drain", 10);
        String load0 = loadavg();
        run.measuring = false;
        run.measuredFrom = run.seq.get();
        long err0 = run.errorReplies.sum(), closed0 = run.closedByServer.sum(), behind0 = run.publishBehind.sum();
        long sent0 = run.sentMeasured.sum(), recv0 = run.receivedMeasured.sum(), ack0 = run.ackedMeasured.sum();
        Map<String, Long> status0 = new HashMap<>();
        driver.statuses.forEach((k, v) -> status0.put(k, v.get()));
        run.samples.clear();
        for (Loop l : loops) {
            l.call(() -> {
                l.latency.reset();
                l.ack.reset();
            });
        }
        driver.resetAck();
        run.publishing = true;
        driver.start(rate, warmup, duration);
        log("step %s msg/s (%s): warm-up %d s; load average %s", fmt(rate), path, warmup, load0);
        sleepS(warmup);
        run.measuring = true;
        Meter m = new Meter();
        long t0 = System.nanoTime();
        sleepS(duration);
        run.measuring = false;
        double secs = (System.nanoTime() - t0) / 1e9;
        Meter.Delta cpu = m.delta();
        long recvInWindow = run.receivedMeasured.sum() - recv0;
        long ackedInWindow = run.ackedMeasured.sum() - ack0;
        long sentInWindow = run.sentMeasured.sum() - sent0;   // REST, ws: counted as sent; jms: known only from the servlet's answer
        driver.stop(drain);
        run.publishing = false;
        long sent = run.sentMeasured.sum() - sent0;
        if (!driver.acks()) {
            sentInWindow = sent;
        }
        java.util.function.LongSupplier expected = () -> (driver.acks() ? run.ackedMeasured.sum() - ack0 : sent) * subs;
        drain(() -> run.receivedMeasured.sum() - recv0 >= expected.getAsLong() && !(driver.acks() && run.ackedMeasured.sum() - ack0 < sent),
                () -> run.receivedMeasured.sum() + run.ackedMeasured.sum(), drain);
        long received = run.receivedMeasured.sum() - recv0;
        long acked = run.ackedMeasured.sum() - ack0;
        long errors = run.errorReplies.sum() - err0;
        long closed = run.closedByServer.sum() - closed0;
        long behind = run.publishBehind.sum() - behind0;
        long exp = expected.getAsLong();
        long lost = exp - received;
        Map<String, Long> statusDelta = new TreeMap<>();
        driver.statuses.forEach((k, v) -> {
            long d = v.get() - status0.getOrDefault(k, 0L);
            if (d != 0) {
                statusDelta.put(k, d);
            }
        });
        Histogram ackH = merged(l -> l.ack);
        driver.addAckTo(ackH);
        Histogram delH = merged(l -> l.latency);
        double sendRate = driver instanceof Ingress.Jms j ? j.sendRate() : sentInWindow / secs;
        log("step %s msg/s (%s): sent %,d (%.2f/s; %d times >1 s behind), acked %,d in window + %,d after, deliveries expected %,d, "
                        + "received %,d in window + %,d after; error replies %d %s, closed %d; load average %s",
                fmt(rate), path, sent, sendRate, behind, ackedInWindow, acked - ackedInWindow, exp, recvInWindow, received - recvInWindow,
                errors, statusDelta, closed, loadavg());
        if (driver instanceof Ingress.Jms j) {
            log("step %s msg/s (jms): servlet answered %s", fmt(rate), j.lastAnswer());
        }
        log("step %s msg/s (%s): delivery p50 %s p99 %s max %s ms; ack p50 %s p99 %s ms", fmt(rate), path, ms(delH, 50), ms(delH, 99),
                maxMs(delH), ms(ackH, 50), ms(ackH, 99));
        String why = null;
        if (errors > 0 || closed > 0) {
            why = errors + " errors " + statusDelta + ", " + closed + " closed";
        } else if (driver.acks() && acked < sent || lost > 0) {
            why = driver.acks() ? String.format(Locale.ROOT, "%,d unacknowledged, %,d deliveries lost", sent - acked, lost)
                    : String.format(Locale.ROOT, "%,d of %,d deliveries not made by the end of the drain", lost, exp);
        } else if (sendRate < 0.97 * rate || behind > 0) {
            why = String.format(Locale.ROOT, "the publisher offered only %.0f msg/s", sendRate);
        } else if (driver.acks() && ackedInWindow < 0.97 * sent) {
            why = String.format(Locale.ROOT, "acknowledgements fell behind (%.0f%% in the window)", 100.0 * ackedInWindow / Math.max(1, sent));
        } else if (recvInWindow < 0.97 * exp) {
            why = String.format(Locale.ROOT, "deliveries fell behind (%.0f%% in the window)", 100.0 * recvInWindow / Math.max(1, exp));
        }
        String load = String.format(Locale.ROOT, "%,d subs, %s, %s msg/s offered", subs, driver.describe(), rateStr(rate));
        String result = driver.acks()
                ? String.format(Locale.ROOT, "%,.0f sent/s, %,.0f acked/s (ack p50 %s, p99 %s ms), %,.0f deliveries/s", sentInWindow / secs,
                        ackedInWindow / secs, ms(ackH, 50), ms(ackH, 99), recvInWindow / secs)
                : String.format(Locale.ROOT, sendRate < 10 ? "%,.2f sent/s (no ack to the sender), %,.0f deliveries/s"
                        : "%,.0f sent/s (no ack to the sender), %,.0f deliveries/s", sendRate, recvInWindow / secs);
        String loss = (lost == 0 ? "0" : String.format(Locale.ROOT, "%,d (%.2f%%)%s", lost, 100.0 * lost / Math.max(1, exp),
                driver.acks() ? "" : " not delivered by the end of the drain"))
                + (errors > 0 ? ", errors " + statusDelta : "")
                + (why == null ? " (sustained)" : "; **not sustained**: " + why);
        return new String[]{why, row(str("label", "back-end publish, " + path), load, result, loss, delH, cpu,
                String.format(Locale.ROOT, "RSS %s, load avg %s", mb(server.serverRss()), load0))};
    }

    /** The WebSocket publishers of the ingress scenario (publish with an id, answered ok), paced by the loops. */
    private final class WsIngress extends Ingress {
        private final List<Conn> publishers;

        WsIngress(Run run, List<Conn> publishers) {
            super(run);
            this.publishers = publishers;
        }

        @Override
        String describe() {
            return "WebSocket, " + publishers.size() + " publishers";
        }

        @Override
        void start(double rate, int warmupS, int durationS) throws Exception {
            long period = (long) (1e9 * publishers.size() / rate);
            if (rate / publishers.size() > 100) {
                log("WARNING: %.0f msg/s over %d publishers is more than the hub's 100 publications/s per connection", rate, publishers.size());
            }
            for (Loop l : loops) {
                l.call(() -> {
                    long now = System.nanoTime();
                    for (Conn c : publishers) {
                        if (c.loop == l && c.isOpen()) {
                            c.periodNs = period;
                            c.budget = -1;
                            c.nextSend = now + (long) (Math.random() * period);
                            l.schedulePublisher(c);
                        }
                    }
                });
            }
        }

        @Override
        void stop(int waitS) throws Exception {
            for (Loop l : loops) {
                l.call(l::clearSchedule);
            }
        }
    }

    private static String rateStr(double r) {
        return r == Math.rint(r) ? String.format(Locale.ROOT, "%,.0f", r) : fmt(r);
    }

    private static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void addErr(List<String> errs, long count, String what) {
        if (count != 0) {
            errs.add(count + " " + what);
        }
    }

    /** Each publisher publishes budget messages (-1: until stopped) at perPub msgs/s. */
    private void publishBudget(List<Conn> publishers, long budget, double perPub) throws InterruptedException {
        long period = (long) (1e9 / perPub);
        for (Loop l : loops) {
            l.call(() -> {
                long now = System.nanoTime();
                for (Conn c : publishers) {
                    if (c.loop == l && c.isOpen()) {
                        c.periodNs = period;
                        c.budget = budget;
                        c.nextSend = now + (long) (Math.random() * period);
                        l.schedulePublisher(c);
                    }
                }
            });
        }
        run.publishing = true;
    }

    private void stopPublishing() throws InterruptedException {
        run.publishing = false;
        for (Loop l : loops) {
            l.call(l::clearSchedule);
        }
    }

    /** Waits until done, at most this many seconds. */
    private void waitFor(java.util.function.BooleanSupplier done, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            sleepNs(10_000_000L);
        }
        if (!done.getAsBoolean()) {
            log("WARNING: gave up waiting after %d s", seconds);
        }
    }

    /** Warm-up, measured window, drain; fanoutPerMsg = deliveries each publication should cause. */
    private String publishPhase(String label, String load, int fanoutPerMsg) throws Exception {
        int warmup = num("warmup", 10);
        int duration = num("duration", 30);
        int drain = num("drain", 10);
        startPublishing();
        log("warm-up %d s", warmup);
        sleepS(warmup);
        long t0 = System.nanoTime();
        Instant wallT0 = Instant.now();
        run.measureStartNs = t0;
        run.measuring = true;
        Meter m = new Meter();
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
        drainMeasured(expected, drain);
        long received = run.receivedMeasured.sum();
        long lost = expected - received;
        Histogram h = merged(l -> l.latency);
        logSlowDeliveries(wallT0);
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

    /**
     * When in the measured window the slow deliveries (over {@value Conn#SLOW_DELIVERY_US} µs) were
     * sent, by second, with the window's wall-clock start: a tail from stalls shows as clusters, to be
     * matched with the server's GC, safepoint or JIT log; one spread evenly is a saturated machine.
     */
    private void logSlowDeliveries(Instant wallT0) throws InterruptedException {
        long[] count = new long[Conn.SLOW_SECONDS];
        long[] maxUs = new long[Conn.SLOW_SECONDS];
        for (Loop l : loops) {
            l.call(() -> { // one loop at a time: call waits
                for (int i = 0; i < count.length; i++) {
                    count[i] += l.slowCount[i];
                    maxUs[i] = Math.max(maxUs[i], l.slowMaxUs[i]);
                }
            });
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < count.length; i++) {
            if (count[i] > 0) {
                line.append(String.format(Locale.ROOT, " %ds:%d(max %d ms)", i, count[i], maxUs[i] / 1000));
            }
        }
        log("slow deliveries (> %d ms) by send second after %s:%s", Conn.SLOW_DELIVERY_US / 1000, wallT0,
                line.length() == 0 ? " none" : line);
    }

    /** Every open connection with a period starts publishing, each at a random point of its first period. */
    private void startPublishing() throws InterruptedException {
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
    }

    /** Waits up to {@code seconds} (less once nothing arrives for 3 s) until {@code expected} measured deliveries arrived. */
    private void drainMeasured(long expected, int seconds) {
        drain(() -> run.receivedMeasured.sum() >= expected, run.receivedMeasured::sum, seconds);
    }

    /** Waits until {@code done}, at most {@code seconds}, and less once {@code progress} has not moved for 3 s. */
    private static void drain(java.util.function.BooleanSupplier done, java.util.function.LongSupplier progress, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline && !done.getAsBoolean()) {
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 3_000_000_000L) {
                break;
            }
            sleepNs(100_000_000L);
        }
    }

    // ------------------------------------------------------------------ plumbing

    private Conn addConn(int index, String room, boolean publisher, URI url) {
        Loop loop = loops.get(conns.size() % loops.size());
        InetSocketAddress local = sources.isEmpty() ? null : sources.get(conns.size() % sources.size());
        InetSocketAddress remote = new InetSocketAddress(url.getHost(), url.getPort());
        String base = url.getRawPath();
        Conn c = new Conn(loop, run, proto, index, room, publisher, remote, local);
        c.path = proto.path(base, c);
        c.origin = originOf(url);
        conns.add(c);
        return c;
    }

    /**
     * The origin of a member's URL, {@code http://host:port} (wss: https), which is the Origin a page
     * served by that member sends: Switchboard refuses an anonymous handshake without an Origin header
     * or with another one (403). Every stack gets it, so the handshakes stay the same size.
     */
    static String originOf(URI url) {
        boolean tls = "wss".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        return (tls ? "https" : "http") + "://" + url.getHost() + ":" + port;
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
        try {
            return awaitReadyOnly(n, extraSeconds);
        } finally {
            if (run.setupRefused.sum() > 0) {
                log("setup: %,d handshakes refused (503/429) and tried again after Retry-After; %,d of %,d ready", run.setupRefused.sum(),
                        run.ready.sum(), n);
            }
        }
    }

    private boolean awaitReadyOnly(long n, int extraSeconds) {
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

    /** CPU of server and client (and of a database server given with --db-pid) over a window. */
    private final class Meter {
        final long t0 = System.nanoTime();
        final long s0 = server.serverCpuNs();
        final long c0 = ProcStats.clientCpuNs();
        final long dbPid = Long.parseLong(str("db-pid", "0").trim());
        final Map<Long, Long> db0 = dbPid > 0 ? ProcStats.treeTicks(dbPid) : Map.of();

        record Delta(double serverPct, double clientPct, double dbPct) {
        }

        Delta delta() {
            double wall = System.nanoTime() - t0;
            double db = dbPid > 0 ? 100.0 * ProcStats.treeCpuNs(db0, ProcStats.treeTicks(dbPid)) / wall : -1;
            return new Delta(100.0 * (server.serverCpuNs() - s0) / wall, 100.0 * (ProcStats.clientCpuNs() - c0) / wall, db);
        }
    }

    private String row(String label, String load, String result, String loss, Histogram h, Meter.Delta cpu, String mem) {
        String tag = str("tag", "");
        if (!tag.isBlank()) {
            label = label + " [" + tag + "]";
        }
        String serverCpu = String.format(Locale.ROOT, "%.0f%%", cpu.serverPct())
                + (cpu.dbPct() >= 0 ? String.format(Locale.ROOT, " + DB %.0f%%", cpu.dbPct()) : "");
        log("%s %s: %s, loss %s, p50 %s p90 %s p99 %s p99.9 %s max %s ms, server CPU %s, client CPU %.0f%%, %s",
                label, stack, result, loss, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), maxMs(h), serverCpu, cpu.clientPct(), mem);
        for (var e : run.samples.entrySet()) {
            log("  sample %s: %s", e.getKey(), e.getValue());
        }
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f%% | %s |",
                label, stack, load, result, loss, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), maxMs(h), serverCpu, cpu.clientPct(), mem);
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
