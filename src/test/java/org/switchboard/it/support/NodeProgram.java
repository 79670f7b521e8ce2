package org.switchboard.it.support;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Node program of {@code client/} (run with {@code node}, working directory {@code client/}) that
 * reports on stdout one JSON object per line with an {@code event} field. The test waits for the
 * events it expects, writes lines to the program's stdin, and {@link #close() kills} it by its
 * process handle. stderr goes to a file whose tail explains a program that ended early.
 */
public final class NodeProgram implements AutoCloseable {

    private static final JsonObject ENDED = Json.createObjectBuilder().add("event", "(ended)").build();

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

    private NodeProgram(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::read, "node-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code node <script> <arguments…>} in {@code client/}; stderr goes to {@code stderr}. */
    public static NodeProgram start(Path stderr, String script, List<String> arguments) throws IOException {
        File client = new File("client");
        if (!new File(client, "node_modules/ws").isDirectory()) {
            throw new IllegalStateException("client/node_modules/ws is missing: the build's npm ci did not run");
        }
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(arguments);
        Files.createDirectories(stderr.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).directory(client)
                .redirectError(stderr.toFile()).start();
        return new NodeProgram(process, stderr);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[node] " + line);
                try {
                    events.add(Json.createReader(new StringReader(line)).readObject());
                } catch (JsonException e) {
                    events.add(Json.createObjectBuilder().add("event", "(not json)").add("line", line).build());
                }
            }
        } catch (IOException e) {
            System.out.println("[node] stdout: " + e);
        } finally {
            events.add(ENDED);
        }
    }

    /**
     * The next event named {@code name}, skipping others (progress lines). Fails if the program
     * reports its {@code verdict} first (it gave up), ends, or says nothing of the kind in time.
     */
    public JsonObject await(String name, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            JsonObject event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no \"" + name + "\" from the Node program within " + limit + stderrTail());
            }
            String got = event.getString("event", "");
            if (got.equals(name)) {
                return event;
            }
            if (got.equals("verdict") || event == ENDED) {
                throw new AssertionError("the Node program ended before \"" + name + "\": " + event + stderrTail());
            }
        }
    }

    /** Writes one line to the program's stdin. */
    public void tell(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String stderrTail() {
        try {
            List<String> lines = Files.readAllLines(stderr);
            return "\nstderr (" + stderr + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills the program (and anything it started) by its handle and waits for it to end. */
    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
