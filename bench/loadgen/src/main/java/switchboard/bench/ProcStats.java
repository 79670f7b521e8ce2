package switchboard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU and memory of the server processes (from /proc) and of this client. */
final class ProcStats {
    private static final long HZ = 100; // USER_HZ on Linux
    private final List<Long> pids;

    ProcStats(List<Long> pids) {
        this.pids = pids;
    }

    /** utime + stime of all server pids, in ns (0 when no pid). */
    long serverCpuNs() {
        long ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15
            } catch (IOException | RuntimeException e) {
                // process gone
            }
        }
        return ticks * (1_000_000_000L / HZ);
    }

    /**
     * utime + stime in ticks of a process and its current children (a database server: the
     * postmaster and its backends), by PID; children that start later count from 0.
     */
    static java.util.Map<Long, Long> treeTicks(long root) {
        java.util.Map<Long, Long> ticks = new java.util.HashMap<>();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path d : dirs) {
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(d.getFileName().toString());
                    if (pid == root || Long.parseLong(f[1]) == root) { // field 4: ppid
                        ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return ticks;
    }

    /** CPU ns used by the processes of after since before (see treeTicks). */
    static long treeCpuNs(java.util.Map<Long, Long> before, java.util.Map<Long, Long> after) {
        long ticks = 0;
        for (var e : after.entrySet()) {
            ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return ticks * (1_000_000_000L / HZ);
    }

    /** VmRSS of all server pids, bytes. */
    long serverRss() {
        long kb = 0;
        for (long pid : pids) {
            kb += statusKb(pid, "VmRSS:");
        }
        return kb * 1024;
    }

    long serverThreads() {
        long n = 0;
        for (long pid : pids) {
            n += statusKb(pid, "Threads:");
        }
        return n;
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    static long clientCpuNs() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }

    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)");

    /**
     * Live heap of the server JVMs in bytes: jcmd GC.class_histogram runs a full GC first and its
     * Total line is the bytes of all live objects. -1 when jcmd fails (not a JVM, no attach).
     */
    long serverLiveHeap(String jcmd) {
        long total = 0;
        for (long pid : pids) {
            try {
                run(jcmd, String.valueOf(pid), "GC.run");
                String out = run(jcmd, String.valueOf(pid), "GC.class_histogram");
                Matcher m = TOTAL.matcher(out);
                if (!m.find()) {
                    return -1;
                }
                total += Long.parseLong(m.group(2));
            } catch (IOException | InterruptedException e) {
                return -1;
            }
        }
        return total;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
