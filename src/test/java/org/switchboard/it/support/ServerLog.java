package org.switchboard.it.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The IT domain's {@code server.log}. The domain lives for a whole failsafe execution and serves
 * one deployment per test class, so a test reads only what was logged since its own deployment
 * began ({@link #markDeployment()} is called just before Arquillian deploys).
 */
public final class ServerLog {

    public static final Path FILE = Path.of(System.getProperty("payara.home", "target/payara6"),
            "glassfish", "domains", "switchboard-it", "logs", "server.log");

    private static volatile long deploymentStart;

    private ServerLog() {
    }

    /** Notes where the log ends now: what follows belongs to the deployment about to be made. */
    public static void markDeployment() {
        try {
            deploymentStart = Files.exists(FILE) ? Files.size(FILE) : 0;
        } catch (IOException e) {
            deploymentStart = 0;
        }
    }

    /** What was logged since the latest {@link #markDeployment()} (all of it if the log was rotated since). */
    public static String sinceDeployment() throws IOException {
        return since(deploymentStart);
    }

    /** Where the log ends now, for {@link #since(long)}. */
    public static long end() throws IOException {
        return end(FILE);
    }

    /** What was logged after {@code position} (all of it if the log was rotated since). */
    public static String since(long position) throws IOException {
        return since(FILE, position);
    }

    /** Where another server's log ends now (0 if it does not exist yet). */
    public static long end(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** What another server logged after {@code position} (all of it if the log was rotated since). */
    public static String since(Path log, long position) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = length < position ? 0 : position;
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
