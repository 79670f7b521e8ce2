package switchboard.bench;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The reconnect storm: N clients connect as fast as the client can (at most --inflight handshakes
 * in progress at once, from connect() to the welcome; no other pacing), each subscribes to its channel with since = the channel's last
 * position and is live when the reply is ok with recovered:true. A handshake refused with 503 or
 * 429 is tried again after Retry-After x uniform[0.5, 1.5] (no header: 1 s x the same jitter), as
 * is every other failed attempt (reset, closed before live, no answer within --answer-timeout),
 * until the storm's deadline. A connection that was live and then closed or failed before the end
 * is a drop.
 * <p>
 * Each client belongs to one {@link Lane}, which lives on one selector loop and is touched only by
 * it (the queue of clients waiting for a handshake slot, the slots in use, the histograms); the
 * counters that the main thread reads are shared adders.
 */
final class Storm {

    final Run run;
    final Proto proto;
    final InetSocketAddress remote;
    final String basePath;
    final String origin;
    final long answerTimeoutNs;
    final List<Lane> lanes = new ArrayList<>();
    final List<Client> clients = new ArrayList<>();
    /** storm start and deadline (System.nanoTime()); set by start() before any attempt */
    volatile long t0;
    volatile long deadlineNs;
    /** set when the storm is over (deadline): no more attempts */
    volatile boolean stopped;
    /** set before the client closes everything at the end: closes after it are not drops */
    volatile boolean ending;

    final LongAdder live = new LongAdder();
    /** clients that will not become live: a reply without recovered:true, or a refusal that is not retried */
    final LongAdder givenUp = new LongAdder();
    final LongAdder notRecovered = new LongAdder();
    final LongAdder attempts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder upgraded = new LongAdder();
    final LongAdder drops = new LongAdder();
    final LongAdder inflight = new LongAdder();
    final AtomicLong lastLiveNs = new AtomicLong();
    final AtomicLong firstLiveNs = new AtomicLong(Long.MAX_VALUE);
    final Map<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    final Map<String, LongAdder> attemptFailures = new ConcurrentHashMap<>();
    final Map<String, LongAdder> dropKinds = new ConcurrentHashMap<>();

    Storm(Run run, Proto proto, InetSocketAddress remote, String basePath, String origin, long answerTimeoutNs) {
        this.run = run;
        this.proto = proto;
        this.remote = remote;
        this.basePath = basePath;
        this.origin = origin;
        this.answerTimeoutNs = answerTimeoutNs;
    }

    Lane lane(Loop loop, int maxInflight) {
        Lane l = new Lane(loop, maxInflight);
        lanes.add(l);
        return l;
    }

    Client client(int index, Lane lane, String channel, long epoch, long seq, InetSocketAddress local) {
        Client c = new Client(index, lane, channel, epoch, seq, local);
        clients.add(c);
        lane.queue.add(c);
        return c;
    }

    /** Starts every lane: each opens as many handshakes as it may at once and goes on as they end. */
    void start(long timeoutNs) {
        t0 = System.nanoTime();
        deadlineNs = t0 + timeoutNs;
        for (Lane l : lanes) {
            l.loop.execute(l::pump);
        }
    }

    /** The deadline has passed: no more attempts; attempts still in progress are closed (their clients failed). */
    void stop() throws InterruptedException {
        stopped = true;
        for (Lane l : lanes) {
            l.loop.call(() -> {
                l.queue.clear();
                for (Client c : l.clients) {
                    if (c.conn != null) {
                        c.conn.close();
                        c.endAttempt();
                    }
                }
            });
        }
    }

    /** Closes every connection (live or not): the end of the run. */
    void closeAll() throws InterruptedException {
        ending = true;
        stopped = true;
        for (Lane l : lanes) {
            l.loop.call(() -> {
                for (Client c : l.clients) {
                    if (c.conn != null) {
                        c.conn.close();
                    }
                    if (c.liveConn != null) {
                        c.liveConn.close();
                    }
                }
            });
        }
    }

    long settled() {
        return live.sum() + givenUp.sum();
    }

    Histogram merged(java.util.function.Function<Lane, Histogram> which) throws InterruptedException {
        Histogram all = new Histogram(3_600_000_000L, 3);
        for (Lane l : lanes) {
            l.loop.call(() -> all.add(which.apply(l)));
        }
        return all;
    }

    static String counts(Map<?, LongAdder> m) {
        Map<String, Long> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put(String.valueOf(k), v.sum()));
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d × %s", v, k)));
        return b.length() == 0 ? "none" : b.toString();
    }

    private static void count(Map<String, LongAdder> m, String kind) {
        m.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Delay before trying again: seconds x uniform[0.5, 1.5]. */
    static long backoffNs(double seconds) {
        return (long) (seconds * (0.5 + ThreadLocalRandom.current().nextDouble()) * 1e9);
    }

    /** Retry-After in seconds from a response head (delta-seconds; an HTTP date or none: -1). */
    static double parseRetryAfter(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Retry-After")) {
                try {
                    return Math.max(0, Double.parseDouble(line.substring(colon + 1).trim()));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The clients of one selector loop and their handshake slots; loop thread only. */
    final class Lane {
        final Loop loop;
        final int maxInflight;
        final ArrayDeque<Client> queue = new ArrayDeque<>();
        final List<Client> clients = new ArrayList<>();
        /** first attempt's start -> live, microseconds */
        final Histogram timeToLive = new Histogram(3_600_000_000L, 3);
        /** connect start -> 101, every attempt that was upgraded, microseconds */
        final Histogram handshake = new Histogram(3_600_000_000L, 3);
        /** connect start -> welcome (the end of the handshake: its slot is free again), microseconds */
        final Histogram welcome = new Histogram(3_600_000_000L, 3);
        int busy;
        private boolean pumping;

        Lane(Loop loop, int maxInflight) {
            this.loop = loop;
            this.maxInflight = Math.max(1, maxInflight);
        }

        /** Starts attempts while a handshake slot is free and a client waits for one. */
        void pump() {
            if (pumping) {
                return; // an attempt that failed at once, inside open(): the loop below goes on
            }
            pumping = true;
            try {
                while (busy < maxInflight && !queue.isEmpty() && !stopped) {
                    queue.poll().attempt();
                }
            } finally {
                pumping = false;
            }
        }
    }

    /** One storm client: its channel and position, and its attempts until it is live. */
    final class Client {
        final int index;
        final Lane lane;
        final String channel;
        final long epoch;
        final long seq;
        final InetSocketAddress local;
        long firstNs;
        int tries;
        /** the attempt in progress (null: none: waiting for a slot or a retry, live, or given up) */
        Conn conn;
        /** the attempt holds a handshake slot: from connect() until welcome (or its end) */
        boolean inHandshake;
        /** the attempt got its 101 */
        boolean upgradedNow;
        long attemptNs;
        Conn liveConn;
        long liveNs;

        Client(int index, Lane lane, String channel, long epoch, long seq, InetSocketAddress local) {
            this.index = index;
            this.lane = lane;
            this.channel = channel;
            this.epoch = epoch;
            this.seq = seq;
            this.local = local;
            lane.clients.add(this);
        }

        String subscribe() {
            return "{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"" + channel + "\",\"since\":{\"epoch\":" + epoch + ",\"seq\":" + seq + "}}";
        }

        void attempt() {
            long now = System.nanoTime();
            if (tries++ == 0) {
                firstNs = now;
            } else {
                retries.increment();
            }
            attempts.increment();
            Conn c = new Conn(lane.loop, run, proto, index, channel, false, remote, local);
            c.path = proto.path(basePath, c);
            c.origin = origin;
            c.storm = this;
            conn = c;
            inHandshake = true;
            upgradedNow = false;
            attemptNs = now;
            lane.busy++;
            inflight.increment();
            lane.loop.at(now + answerTimeoutNs, () -> {
                if (conn == c && inHandshake) {
                    timedOut(c, upgradedNow ? "no welcome in time" : "no answer to the handshake in time");
                }
            });
            c.open();
        }

        private void timedOut(Conn c, String why) {
            c.close();
            count(attemptFailures, why);
            run.sample("storm-timeout", "client b" + index + ": " + why);
            endAttempt();
            retryIn(1);
        }

        /** The attempt in progress is over (failed or refused): frees its handshake slot if it held one. */
        void endAttempt() {
            conn = null;
            if (inHandshake) {
                inHandshake = false;
                lane.busy--;
                inflight.decrement();
            }
        }

        private void retryIn(double seconds) {
            long due = System.nanoTime() + backoffNs(seconds);
            if (!stopped && due < deadlineNs) {
                lane.loop.at(due, () -> {
                    if (!stopped) {
                        lane.queue.addFirst(this);   // a retry that is due takes the next free slot, ahead of first attempts
                        lane.pump();
                    }
                });
            }
            lane.pump();
        }

        void onUpgraded(Conn c) {
            if (c != conn) {
                return;
            }
            upgradedNow = true;
            lane.handshake.recordValue(Math.max(1, Math.min((System.nanoTime() - attemptNs) / 1000, 3_600_000_000L)));
            upgraded.increment();
        }

        /** The welcome: the handshake is over (its slot is free); the subscribe with since goes out now. */
        void onWelcome(Conn c) {
            if (c != conn || !inHandshake) {
                return;
            }
            long now = System.nanoTime();
            lane.welcome.recordValue(Math.max(1, Math.min((now - attemptNs) / 1000, 3_600_000_000L)));
            inHandshake = false;
            lane.busy--;
            inflight.decrement();
            lane.loop.at(now + answerTimeoutNs, () -> {
                if (conn == c) {
                    timedOut(c, "no subscribe reply in time");
                }
            });
            lane.pump();
        }

        void onRefused(Conn c, String head) {
            if (c != conn) {
                return;
            }
            int status = -1;
            try {
                status = Integer.parseInt(head.substring(9, 12));
            } catch (RuntimeException e) {
                // not an HTTP status line
            }
            refused.computeIfAbsent(status, k -> new LongAdder()).increment();
            endAttempt();
            if (status == 503 || status == 429) {
                double ra = parseRetryAfter(head);
                retryIn(ra >= 0 ? ra : 1);
            } else if (status >= 500) {
                retryIn(1);
            } else {
                // 400, 401, 403: the bench's configuration, not load; trying again would not help
                run.sample("storm-refused-" + status, "client b" + index + ": " + head.split("\r\n")[0]);
                givenUp.increment();
                lane.pump();
            }
        }

        void onReply(Conn c, boolean ok, boolean recovered, String text) {
            if (c != conn) {
                return;
            }
            if (ok && recovered) {
                long now = System.nanoTime();
                conn = null;
                liveConn = c;
                liveNs = now;
                lane.timeToLive.recordValue(Math.max(1, Math.min((now - firstNs) / 1000, 3_600_000_000L)));
                live.increment();
                lastLiveNs.accumulateAndGet(now, Math::max);
                firstLiveNs.accumulateAndGet(now, Math::min);
            } else if (ok) {
                // subscribed, but the hub says the missed messages do not follow (or the channel has no history)
                conn = null;
                notRecovered.increment();
                givenUp.increment();
                run.sample("storm-not-recovered", text);
            } else {
                run.errorReplies.increment();
                run.sample("storm-error-reply", text);
                count(attemptFailures, "error reply to the subscribe");
                c.close();
                endAttempt();
                retryIn(1);
            }
        }

        /** The connection closed or failed, not by this client's own close. */
        void onEnd(Conn c, String why) {
            if (c == liveConn) {
                if (!ending) {
                    drops.increment();
                    count(dropKinds, why);
                    run.sample("storm-drop", "client b" + index + ": " + why + " after being live "
                            + (System.nanoTime() - liveNs) / 1_000_000 + " ms");
                }
                return;
            }
            if (c != conn) {
                return;
            }
            count(attemptFailures, (!upgradedNow ? "before the upgrade: " : inHandshake ? "before the welcome: " : "before the reply: ") + why);
            endAttempt();
            retryIn(1);
        }
    }
}
