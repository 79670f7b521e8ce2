package org.switchboard.it.support;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prints what the servers logged during a failed test: the warnings, errors and the hub's own
 * records. A flake on CI leaves nothing else behind (the next run re-creates the domain or the
 * cluster), and a client's view alone, such as a 1006 close, does not say why a server let the
 * connection go. Registered for every {@code @HubDeployment} IT (the IT domain's log); a cluster IT
 * registers one over its members' logs.
 */
public final class ServerLogOnFailure implements BeforeEachCallback, TestWatcher {

    private static final int MAX_LINES = 150;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ServerLogOnFailure.class);

    private final Supplier<List<Path>> logs;

    /** Over the IT domain's log. */
    public ServerLogOnFailure() {
        this(() -> List.of(ServerLog.FILE));
    }

    public ServerLogOnFailure(Supplier<List<Path>> logs) {
        this.logs = logs;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Map<Path, Long> ends = new HashMap<>();
        for (Path log : logs.get()) {
            ends.put(log, ServerLog.end(log));
        }
        context.getStore(NAMESPACE).put("ends", ends);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void testFailed(ExtensionContext context, Throwable cause) {
        Map<Path, Long> ends = context.getStore(NAMESPACE).get("ends", Map.class);
        for (Path log : logs.get()) {
            long start = ends == null ? 0 : ends.getOrDefault(log, 0L);
            try {
                List<String> kept = notable(ServerLog.since(log, start));
                System.out.println("---- " + log + " during " + context.getDisplayName() + " (" + kept.size()
                        + " notable lines, at most the last " + MAX_LINES + ") ----");
                kept.subList(Math.max(0, kept.size() - MAX_LINES), kept.size()).forEach(System.out::println);
                System.out.println("---- end of " + log.getFileName() + " ----");
            } catch (IOException e) {
                System.out.println("---- " + log + " unreadable: " + e);
            }
        }
    }

    /** Records at WARNING or above, or from the hub, with the first lines of their message (stack traces cut). */
    static List<String> notable(String log) {
        List<String> kept = new ArrayList<>();
        int following = 0;
        for (String line : log.split("\n")) {
            if (line.startsWith("[20")) {
                boolean keep = line.contains("[WARNING]") || line.contains("[SEVERE]") || line.contains("[org.switchboard.");
                following = keep ? 4 : 0;
                if (keep) {
                    kept.add(cut(line));
                }
            } else if (following > 0 && !line.isBlank()) {
                following--;
                kept.add("    " + cut(line.strip()));
            }
        }
        return kept;
    }

    private static String cut(String line) {
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
