package org.switchboard.it.cluster;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The local two-member cluster of the tests, built and torn down by the same
 * {@code server-config} scripts an admin uses: a standalone OpenMQ broker, a DAS and a deployment
 * group of two Payara instances, all on 127.0.0.1.
 *
 * <p>Its ports are the scripts' defaults (DAS portbase 30000, member i at 30000 + i * 1000, broker
 * 27676, PostgreSQL 25432) unless the system properties {@value #PORTBASE}, {@value #MEMBER_STEP},
 * {@value #BROKER_PORT} and {@value #PG_PORT} move them (handed to every script as
 * {@code SB_CLUSTER_PORTBASE}, {@code SB_CLUSTER_MEMBER_STEP}, {@code SB_BROKER_PORT}, {@code SB_PG_PORT}).
 */
final class LocalCluster {

    static final Path STATE = Path.of("target/switchboard-cluster/cluster.env");
    private static final Path LOG = Path.of("target/cluster-it.log");
    static final String APPLICATION = "switchboard";
    static final String PORTBASE = "switchboard.it.cluster.portbase";
    static final String MEMBER_STEP = "switchboard.it.cluster.member-step";
    static final String BROKER_PORT = "switchboard.it.cluster.broker-port";
    static final String PG_PORT = "switchboard.it.cluster.pg-port";
    private static final int BASE = Integer.getInteger(PORTBASE, 30000);
    private static final int STEP = Integer.getInteger(MEMBER_STEP, 1000);
    private static final int ADMIN_PORT = BASE + 48;
    /** Bound for one asadmin command of the DAS (disable/enable reach the instance and wait for it). */
    private static final Duration ASADMIN_LIMIT = Duration.ofMinutes(3);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final String NO_WARM_UP = "switchboard.warmup.handshakes=0";

    private Map<String, String> state = Map.of();

    void start() throws Exception {
        start(war());
    }

    /** Builds the cluster with the given WAR deployed. */
    void start(String war) throws Exception {
        start(war, Map.of());
    }

    /**
     * Builds the cluster with the given WAR deployed and {@code environment} for create-local-cluster.sh (e.g.
     * {@code DEMO=true}). The warm-up is also turned off in the cluster's configuration (domain.xml), not only in
     * the WAR: a member that a test restarts does not always see the WAR's microprofile-config.properties
     * (Payara 6.2025.10), and such a member then warmed up for 20-25 s (3,000 handshakes, 30,000 messages
     * over the cluster bus), refusing the test's clients meanwhile.
     */
    void start(String war, Map<String, String> environment) throws Exception {
        Map<String, String> all = new HashMap<>(environment);
        all.merge("CONFIG_PROPERTIES", NO_WARM_UP, (given, ours) -> given + "\n" + ours);
        run(Duration.ofMinutes(15), all, "server-config/create-local-cluster.sh", payaraHome(), war);
        state = readState();
    }

    /** The cluster's PostgreSQL: {@code start}, {@code stop} or {@code kill} (kill -9 of the server). */
    void database(String action) throws Exception {
        run(Duration.ofMinutes(2), "server-config/postgres.sh", action);
    }

    /** Starts member {@code i} again after it was killed, and waits until it is ready. */
    void restartMember(int i) throws Exception {
        restartMembers(i);
    }

    /** Starts the given members again at the same time, as after a full outage, and waits until all are ready. */
    void restartMembers(int... members) throws Exception {
        List<Process> started = new ArrayList<>();
        try {
            for (int i : members) {
                started.add(launch(Map.of(), "server-config/restart-member.sh", Integer.toString(i), payaraHome()));
            }
            for (Process process : started) {
                awaitSuccess(process, Duration.ofMinutes(6), "server-config/restart-member.sh");
            }
        } finally {
            // only a script still running after a failure (a started instance is the DAS's child, not the script's)
            started.stream().filter(Process::isAlive).forEach(process -> {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            });
        }
        state = readState();
    }

    /** Whether member {@code i} says (in its readiness data) that it numbers messages now. */
    boolean numbersMessages(int i) {
        String compact = readinessBody(i).replace(" ", "");
        // Payara writes health data values as strings
        return compact.contains("\"numbers-messages\":\"true\"") || compact.contains("\"numbers-messages\":true");
    }

    /** Member {@code i}'s /health/ready answer, or what went wrong asking for it. */
    String readinessBody(int i) {
        URI uri = URI.create("http://127.0.0.1:" + httpPort(i) + "/health/ready");
        try {
            HttpResponse<String> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() + " " + answer.body();
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Tears the cluster down. */
    void stop() {
        try {
            run(Duration.ofMinutes(5), "server-config/stop-local-cluster.sh");
        } catch (Exception e) {
            throw new IllegalStateException("stopping the local cluster failed; see " + LOG, e);
        }
    }

    /**
     * Copies the members' logs so far to {@code target/cluster-logs/<name>}; the next cluster built
     * deletes the originals.
     */
    void keepMemberLogs(String name) {
        Path kept = Path.of("target/cluster-logs", name);
        try {
            Files.createDirectories(kept);
            for (Path log : memberLogs()) {
                Path member = log.getParent().getParent().getFileName();
                Files.copy(log, kept.resolve(member + "-" + log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[LocalCluster] members' logs not kept: " + e);
        }
    }

    /** The members' current {@code server.log} files (none before the cluster is built). */
    List<Path> memberLogs() {
        Path nodes = Path.of(payaraHome(), "glassfish", "nodes");
        if (!Files.isDirectory(nodes)) {
            return List.of();
        }
        try (var found = Files.find(nodes, 4, (path, attributes) -> path.getFileName().toString().equals("server.log")
                && path.getParent().getFileName().toString().equals("logs"))) {
            return found.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    URL member(int i) {
        try {
            return new URL("http://127.0.0.1:" + httpPort(i) + "/switchboard/");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<URL> members() {
        return List.of(member(1), member(2));
    }

    /** kill -9 of a member's JVM, by PID. */
    void kill(int i) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile(i)).trim());
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("member " + i + " not running"));
        note("kill -9 of member " + i + " (pid " + pid + ")");
        handle.destroyForcibly();
        handle.onExit().get(60, TimeUnit.SECONDS);
    }

    /**
     * A thread dump of member {@code i} ({@code jcmd Thread.print}), kept beside the cluster's log
     * as {@code target/cluster-it-member<i>-threads-<time>.txt}; the threads named {@code
     * switchboard-*} are returned, for a failure message. Best effort: what went wrong is returned instead.
     */
    String threadDump(int i) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(i)).trim());
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Path file = LOG.resolveSibling("cluster-it-member" + i + "-threads-"
                    + LocalTime.now().format(TIME).replace(':', '-') + ".txt");
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!dump.waitFor(60, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
                return "no thread dump of member " + i + " within 60 s";
            }
            note("thread dump of member " + i + " (pid " + pid + "): " + file);
            StringBuilder ours = new StringBuilder();
            for (String thread : Files.readString(file).split("\n\n")) {
                if (thread.startsWith("\"switchboard-")) {
                    ours.append(thread.lines().limit(25).collect(Collectors.joining("\n"))).append("\n\n");
                }
            }
            return "member " + i + " threads (all in " + file + "):\n" + ours;
        } catch (IOException | RuntimeException e) {
            return "no thread dump of member " + i + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump of member " + i + ": interrupted";
        }
    }

    /** Whether member {@code i}'s JVM is alive (it may be frozen, or without the application). */
    boolean isRunning(int i) throws IOException {
        Path pidFile = pidFile(i);
        return Files.exists(pidFile) && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                .map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * A timestamped line in the cluster's log (target/cluster-it.log), beside the scripts' own: where a
     * test spent its time between them shows there. Best effort: a line that cannot be written is dropped.
     */
    static void note(String what) {
        try {
            Files.createDirectories(LOG.getParent());
            Files.writeString(LOG, "[LocalCluster] " + LocalTime.now().format(TIME) + " " + what + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("[LocalCluster] not logged (" + e + "): " + what);
        }
    }

    /**
     * SIGSTOP of a member's JVM, by PID: it stops answering, its sockets stay open (what a hung
     * member looks like to its clients); {@link #kill(int)} ends it.
     */
    void freeze(int i) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile(i)).trim());
        note("SIGSTOP of member " + i + " (pid " + pid + ")");
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).redirectErrorStream(true).start();
        boolean done = stop.waitFor(30, TimeUnit.SECONDS);
        if (!done || stop.exitValue() != 0) {
            stop.destroyForcibly();
            throw new IllegalStateException("kill -STOP " + pid + " (member " + i + ") failed: "
                    + new String(stop.getInputStream().readAllBytes()));
        }
    }

    void stopBroker() throws Exception {
        run(Duration.ofMinutes(2), "server-config/cluster-broker.sh", "stop");
    }

    void startBroker() throws Exception {
        run(Duration.ofMinutes(2), "server-config/cluster-broker.sh", "start");
    }

    /**
     * Stops the application on member {@code i} only, the other members keep serving: the DAS sets
     * that instance's application-ref disabled and the instance unloads the application (its
     * clients get 1012, spread over the drain window).
     */
    void disableApp(int i) throws Exception {
        asadmin("disable", "--target", memberName(i), APPLICATION);
    }

    /** Deploys another application to every member (the deployment group), at {@code /name}. */
    void deploy(Path war, String name) throws Exception {
        asadmin("deploy", "--force", "--target", state.getOrDefault("DEPLOYMENT_GROUP", "switchboard-dg"),
                "--contextroot", name, "--name", name, war.toString());
    }

    /** Starts the application on member {@code i} again (after {@link #disableApp}). */
    void enableApp(int i) throws Exception {
        asadmin("enable", "--target", memberName(i), APPLICATION);
    }

    /** HTTP status of a GET on member {@code i} (path relative to the server root), -1 if unreachable. */
    int httpStatus(int i, String path) {
        return status(URI.create("http://127.0.0.1:" + httpPort(i) + path));
    }

    /** Member {@code i}'s HTTP port (its portbase + 80). */
    static int httpPort(int i) {
        return BASE + i * STEP + 80;
    }

    String memberName(int i) {
        return state.getOrDefault("MEMBER" + i + "_NAME", "sb-member" + i);
    }

    int readiness(int i) {
        return httpStatus(i, "/health/ready");
    }

    private static int status(URI uri) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private Path pidFile(int i) {
        String path = state.get("MEMBER" + i + "_PIDFILE");
        if (path == null) {
            throw new IllegalStateException("no MEMBER" + i + "_PIDFILE in " + STATE + ": " + state);
        }
        return Path.of(path);
    }

    /**
     * The DAS's admin password file, made with the domain by create-local-domain.sh
     * (ADMIN_PASSWORD_FILE in cluster.env): the admin port refuses asadmin without it.
     */
    private static String adminPasswordFile() {
        return payaraHome() + "/glassfish/domains/switchboard-cluster/config/admin-password";
    }

    private static String payaraHome() {
        return new File(System.getProperty("payara.home", "target/payara6")).getAbsolutePath();
    }

    /** The built WAR trusting the test token keys, with {@code config} on top of the shipped defaults. */
    static String war(Map<String, String> config) {
        // no warm-up (as in the single-domain ITs): ClusterIT once lost a fresh member-1 connection (1006)
        // with it on, cause not yet found; WarmUpIT covers the warm-up on one domain
        Map<String, String> all = new HashMap<>(Map.of("switchboard.security.handshakes-per-address", "0",
                "switchboard.warmup.handshakes", "0"));
        all.putAll(config);
        return org.switchboard.it.Deployments.exported(all, new File("target/switchboard-cluster-" + all.hashCode() + ".war"));
    }

    static String war() {
        return war(Map.of());
    }

    private static Map<String, String> readState() throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(STATE)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
            }
        }
        return values;
    }

    /** Runs an asadmin command against the DAS; its output goes to the log and, on failure, into the exception. */
    private static void asadmin(String... arguments) throws Exception {
        Files.createDirectories(LOG.getParent());
        List<String> command = new ArrayList<>(List.of(payaraHome() + "/bin/asadmin",
                "--host", "127.0.0.1", "--port", Integer.toString(ADMIN_PORT),
                "--user", "admin", "--passwordfile", adminPasswordFile()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(LOG.getParent(), "asadmin", ".out");
        LocalTime started = LocalTime.now();
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            boolean finished = process.waitFor(ASADMIN_LIMIT.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            String text = Files.readString(output);
            note(String.join(" ", arguments) + " (asadmin, started " + started.format(TIME) + ")\n" + text);
            if (!finished) {
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + ASADMIN_LIMIT + ": " + text);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with " + process.exitValue() + ": " + text);
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void run(Duration limit, String... command) throws Exception {
        run(limit, Map.of(), command);
    }

    private static void run(Duration limit, Map<String, String> environment, String... command) throws Exception {
        awaitSuccess(launch(environment, command), limit, command[0]);
    }

    /** Starts a script with the cluster's ports in its environment, its output appended to the cluster log. */
    private static Process launch(Map<String, String> environment, String... command) throws IOException {
        Files.createDirectories(LOG.getParent());
        String[] bash = new String[command.length + 1];
        bash[0] = "bash";
        System.arraycopy(command, 0, bash, 1, command.length);
        ProcessBuilder builder = new ProcessBuilder(bash)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
        Map<String, String> env = builder.environment();
        env.put("SB_CLUSTER_PORTBASE", Integer.toString(BASE));
        env.put("SB_CLUSTER_MEMBER_STEP", Integer.toString(STEP));
        env.put("SB_BROKER_PORT", Integer.toString(Integer.getInteger(BROKER_PORT, 27676)));
        env.put("SB_PG_PORT", Integer.toString(Integer.getInteger(PG_PORT, 25432)));
        env.putAll(environment);
        return builder.start();
    }

    private static void awaitSuccess(Process process, Duration limit, String what) throws InterruptedException {
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(what + " did not finish within " + limit + "; see " + LOG);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(what + " failed with " + process.exitValue() + "; see " + LOG);
        }
    }
}
