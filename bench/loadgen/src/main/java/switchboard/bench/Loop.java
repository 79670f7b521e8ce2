package switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One selector thread. It owns its connections completely: connect, handshake, reads, writes and
 * the paced publications of its publishers all happen here, so nothing per connection is shared.
 */
final class Loop extends Thread {

    final Selector selector;
    final ByteBuffer readBuf = ByteBuffer.allocate(1 << 18);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Conn> schedule = new PriorityQueue<>((a, b) -> Long.compare(a.nextSend, b.nextSend));
    /** one-shot timers of this loop (storm: retries after a back-off, answer timeouts), by due time */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSeq;
    /** end-to-end latency of measured deliveries, microseconds */
    final Histogram latency = new Histogram(3_600_000_000L, 3);
    /** protocol-ready time of connections, microseconds */
    final Histogram connect = new Histogram(3_600_000_000L, 3);
    /** publish → ok reply of measured publications sent with an id, microseconds */
    final Histogram ack = new Histogram(3_600_000_000L, 3);
    /** measured deliveries slower than {@link Conn#SLOW_DELIVERY_US}, by second of send time in the window (the last slot: later); loop thread only */
    final long[] slowCount = new long[Conn.SLOW_SECONDS];
    final long[] slowMaxUs = new long[Conn.SLOW_SECONDS];
    private final Run run;
    private volatile boolean running = true;

    Loop(Run run, int id) throws IOException {
        super("loadgen-loop-" + id);
        setDaemon(true);
        this.run = run;
        this.selector = Selector.open();
    }

    void execute(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    /** Runs r on this loop and waits for it. */
    void call(Runnable r) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        execute(() -> {
            try {
                r.run();
            } finally {
                done.countDown();
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(getName() + " did not answer in 30 s");
        }
    }

    private record Timer(long due, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Runs task on this loop at (or soon after) System.nanoTime() dueNs. Loop thread only. */
    void at(long dueNs, Runnable task) {
        timers.add(new Timer(dueNs, timerSeq++, task));
    }

    /** Runs the timers that are due; returns ms until the next one (0: now, 100: none). */
    private long timersDue() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.due() <= now) {
            timers.poll();
            try {
                t.task().run();
            } catch (RuntimeException e) {
                System.err.println(getName() + ": timer: " + e);
            }
        }
        if (timers.isEmpty()) {
            return 100;
        }
        long ns = timers.peek().due() - System.nanoTime();
        return ns <= 0 ? 0 : Math.max(1, (ns + 999_999) / 1_000_000);
    }

    void schedulePublisher(Conn c) {
        schedule.add(c);
    }

    void clearSchedule() {
        schedule.clear();
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        while (running) {
            try {
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                long wait = Math.min(publishDue(), timersDue());
                if (wait <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(wait);
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (!k.isValid()) {
                        continue;
                    }
                    try {
                        if (k.isConnectable()) {
                            c.onConnectable();
                        }
                        if (k.isValid() && k.isWritable()) {
                            c.onWritable();
                        }
                        if (k.isValid() && k.isReadable()) {
                            c.onReadable();
                        }
                    } catch (IOException | RuntimeException e) {
                        c.fail(e);
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.err.println(getName() + ": " + e);
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Sends every publication that is due; returns ms until the next one (0: now, 100: none). */
    private long publishDue() {
        if (schedule.isEmpty() || !run.publishing) {
            return 100;
        }
        long now = System.nanoTime();
        int sent = 0;
        while (!schedule.isEmpty()) {
            Conn c = schedule.peek();
            if (c.nextSend > now) {
                break;
            }
            schedule.poll();
            if (c.isOpen() && c.budget != 0) {
                c.publishOne();
                if (c.budget > 0) {
                    c.budget--;
                }
                c.nextSend += c.periodNs;
                if (c.nextSend < now - 1_000_000_000L) { // more than 1 s behind: do not burst
                    c.nextSend = now;
                    run.publishBehind.increment();
                }
                if (c.budget != 0) {
                    schedule.add(c);
                }
            }
            if (++sent % 256 == 0) {
                now = System.nanoTime();
            }
        }
        if (schedule.isEmpty()) {
            return 100;
        }
        long ns = schedule.peek().nextSend - System.nanoTime();
        return ns <= 0 ? 0 : Math.max(1, ns / 1_000_000);
    }
}
