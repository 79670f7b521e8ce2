package org.switchboard.it.support;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * The IT domain's server process, for tests that restart the hub for real: {@code asadmin stop-domain}
 * and {@code start-domain} (local commands: they need no admin password). The deployment of the
 * running test class is in the domain's configuration, so the started domain loads it again, and
 * Arquillian goes on deploying the next classes into the same domain. A test that stops the domain
 * must start it again whatever happens ({@link #ensureRunning(URL)} in an {@code @AfterEach}).
 */
public final class ItDomain {

    private static final String NAME = System.getProperty("switchboard.it.domain", "switchboard-it");
    private static final Duration STOP_LIMIT = Duration.ofMinutes(3);
    private static final Duration START_LIMIT = Duration.ofMinutes(5);

    private boolean stopped;

    /** Stops the domain (the hub with it); returns how long it took. */
    public Duration stop() throws Exception {
        stopped = true;
        return asadmin(STOP_LIMIT, "stop-domain", "--domaindir", domainsDir(), NAME);
    }

    /** Starts the domain (it loads the hub at start) and waits until {@code base} answers; returns how long that took. */
    public Duration start(URL base) throws Exception {
        long t0 = System.nanoTime();
        asadmin(START_LIMIT, "start-domain", "--domaindir", domainsDir(), NAME);
        awaitPage(base, Duration.ofMinutes(2));
        stopped = false; // only now: a start that failed is tried again by ensureRunning
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Starts the domain again if this object stopped it and did not see it start. A start that
     * failed may have left the domain's process up without the hub (Payara 6.2025.10 once failed
     * to deploy it: "Error while installing policy provider", a null context class loader on its
     * start-up thread), so it is stopped first: the new start is then a whole one instead of a
     * second process colliding with the first on its ports.
     */
    public void ensureRunning(URL base) throws Exception {
        if (stopped) {
            try {
                asadmin(STOP_LIMIT, "stop-domain", "--domaindir", domainsDir(), NAME);
            } catch (IllegalStateException e) {
                System.err.println("[ItDomain] stop-domain before starting again: " + e.getMessage());
            }
            start(base);
        }
    }

    /** Polls {@code base} (the welcome page) until it answers 200, bounded by {@code limit}. */
    private static void awaitPage(URL base, Duration limit) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest page = HttpRequest.newBuilder(URI.create(base.toExternalForm())).timeout(Duration.ofSeconds(5)).build();
        Awaitility.await(base + " answering 200 after start-domain").atMost(limit).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> http.send(page, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /**
     * A remote asadmin command against the running IT domain (its admin port, user {@code admin} and
     * the domain's password file), e.g. deploying an application next to the hub.
     */
    public static void remote(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("--port", System.getProperty("switchboard.it.admin-port"),
                "--user", "admin", "--passwordfile", System.getProperty("switchboard.it.admin-passwordfile")));
        command.addAll(List.of(arguments));
        asadmin(STOP_LIMIT, command.toArray(String[]::new));
    }

    private static String domainsDir() {
        return new File(System.getProperty("payara.home", "target/payara6"), "glassfish/domains").getAbsolutePath();
    }

    private static Duration asadmin(Duration limit, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("payara.home", "target/payara6"), "bin/asadmin").getAbsolutePath());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("asadmin", ".out");
        long t0 = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + limit + ": "
                        + Files.readString(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with " + process.exitValue() + ": "
                        + Files.readString(output));
            }
            return Duration.ofNanos(System.nanoTime() - t0);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
