package org.switchboard.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.ItDomain;
import org.switchboard.it.support.NodeProgram;
import org.switchboard.it.support.ServerLog;
import org.switchboard.it.support.TestTokens;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reconnect storm (issue 18): {@value #DEFAULT_CLIENTS} clients of the client library
 * ({@code client/it/storm.mjs}, one Node process) on one member, spread over a few channels with
 * history, while publishers of the library publish with idempotency keys; then the member is
 * restarted ({@link ItDomain}: {@code asadmin stop-domain}, the clients get 1012 over the drain window and then refused
 * connections, and {@code start-domain}, which loads the application again). Every client must come
 * back and resume ({@code recovered:true}), and hold every acknowledged publication of its channel
 * exactly once, in order, with no gap: the program checks each client and reports a verdict. From
 * the restart on, the server log must show no full Grizzly task queue and no SEVERE record but those
 * of the restart machinery itself ({@link #severe(String)}).
 * <p>
 * The program prints connect times and how long until every client was back; they are printed,
 * never asserted. The heartbeat is the shipped one here: the IT configuration's 500 ms ping would
 * make this test measure one Node process answering 4,000 pings a second on a shared 2-core box.
 * Clients share a subject 40 at a time (the hub allows 50 connections per subject);
 * {@code -Dswitchboard.it.storm.clients=N} changes their number (at most 4,900: 5,000 per address).
 * The domain's ports must lie below the kernel's ephemeral range ({@link #assertPortsOutsideEphemeralRange()}).
 * <p>
 * The restarted domain keeps this class's deployment, which Arquillian undeploys as usual, so the
 * ITs after this one find the domain as before; it is started again whatever happens.
 */
@HubDeployment(config = {"switchboard.heartbeat.interval-ms=25000", "switchboard.heartbeat.timeout-ms=60000"})
class ReconnectStormIT extends DeployedHub {

    static final int DEFAULT_CLIENTS = 3000;
    private static final int CLIENTS = Integer.getInteger("switchboard.it.storm.clients", DEFAULT_CLIENTS);
    private static final int CLIENTS_PER_SUBJECT = 40;
    private static final Duration CONNECT_LIMIT = Duration.ofSeconds(120);
    private static final String PAYARA_STOP_SEVERE = "NCLS-JMX-00011";
    private static final String PAYARA_ABANDONED_REQUEST = "AS-WEB-CORE-00037";
    /** In a stack trace, a frame of the hub's own code. */
    private static final String HUB_FRAME = "org.switchboard.";
    private static final Duration VERDICT_LIMIT = Duration.ofSeconds(240);

    private final ItDomain domain = new ItDomain();

    @AfterEach
    void startTheDomainAgain() throws Exception {
        domain.ensureRunning(base);
    }

    @Test
    void everyClientComesBackResumedAndNothingAcknowledgedIsLost() throws Exception {
        assertPortsOutsideEphemeralRange();
        Path dir = Files.createDirectories(Path.of("target/reconnect-storm"));
        Path tokens = dir.resolve("tokens.txt");
        writeTokens(tokens);
        try (NodeProgram storm = NodeProgram.start(dir.resolve("storm.stderr"), "it/storm.mjs", List.of(
                "--url=" + HubClient.endpoint(base, null),
                "--tokens=" + tokens.toAbsolutePath(),
                "--clients=" + CLIENTS,
                "--storm-timeout-ms=" + VERDICT_LIMIT.toMillis()))) {
            JsonObject connected = storm.await("connected", CONNECT_LIMIT);
            Files.delete(tokens);
            long logMark = ServerLog.end();
            storm.tell("restart");
            Duration stop = domain.stop();
            String stopping = ServerLog.since(logMark);
            long startMark = ServerLog.end();
            Duration start = domain.start(base);
            JsonObject verdict = storm.await("verdict", VERDICT_LIMIT);

            System.out.printf("[ReconnectStormIT] %d clients: connected in %d ms, connect %s;"
                            + " stop-domain %d ms, start-domain until the hub answers %d ms; all back %s ms after the first close, reconnect %s;"
                            + " %d publications acknowledged (%d during the storm), refused %s%n",
                    CLIENTS, connected.getInt("ms"), connected.get("connectMs"), stop.toMillis(), start.toMillis(),
                    verdict.get("allBackMs"), verdict.get("reconnectMs"), verdict.getInt("acked"),
                    verdict.getInt("ackedDuringStorm"), verdict.get("refusedCodes"));

            assertThat(verdict.getInt("failureCount")).as("the program's failures: %s", verdict.get("failures")).isZero();
            assertThat(verdict.getInt("cameBack")).as("clients back after the restart").isEqualTo(CLIENTS);
            assertThat(verdict.getInt("resumed")).as("clients resumed with recovered:true").isEqualTo(CLIENTS);
            assertThat(verdict.getInt("missing")).as("acknowledged publications missing at a client").isZero();
            assertThat(verdict.getInt("wrongKey")).as("positions carrying another publication than acknowledged").isZero();
            assertThat(verdict.getInt("duplicateKeys")).as("publications delivered twice").isZero();
            assertThat(verdict.getInt("ackedDuringStorm")).as("publications acknowledged between the close and the last return").isPositive();
            assertThat(verdict.getBoolean("ok")).as("verdict %s", verdict).isTrue();

            String started = ServerLog.since(startMark);
            assertThat(stopping + started).as("server log from the restart on").doesNotContain("task queue is full");
            assertThat(severe(stopping).stream().filter(record -> !stoppingContainerOnly(record)).toList())
                    .as("SEVERE records while the domain stopped").isEmpty();
            assertThat(severe(started)).as("SEVERE records from the start on").isEmpty();
        } finally {
            Files.deleteIfExists(tokens);
        }
    }

    /**
     * The storm's client sockets hold thousands of ephemeral ports while the domain starts again, and
     * the domain binds some of its ports late (the embedded broker's, portbase + 76, on first use of
     * JMS): a port the kernel may hand to a client makes the start fail ("Address already in use").
     */
    private void assertPortsOutsideEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (!Files.isReadable(range)) {
            return;
        }
        // Files.readString misreads /proc files (JDK 17); readAllLines does not
        String[] bounds = Files.readAllLines(range).get(0).trim().split("\\s+");
        int low = Integer.parseInt(bounds[0]);
        int high = Integer.parseInt(bounds[1]);
        int portbase = base.getPort() - 80;
        assertThat(portbase + 99 < low || portbase > high)
                .as("the IT domain's ports %d-%d must lie outside the ephemeral port range %d-%d: use an it.portbase below %d",
                        portbase, portbase + 99, low, high, low - 100)
                .isTrue();
    }

    /**
     * The log's SEVERE records but two that belong to the restart itself, not to the hub: Payara's
     * {@value #PAYARA_STOP_SEVERE} ("Error stopping RMIConnector", at every stop of this domain) and
     * what the admin listener logs when the stopping server cannot finish its answer to asadmin.
     * Also Payara's {@value #PAYARA_ABANDONED_REQUEST} when it is a NullPointerException thrown
     * inside the container with no frame of the hub: when a client gives up a handshake (closes its
     * socket) while the request is still in the container, or the stopping server closes the
     * connection of a request that just arrived (seen 0.15 s into the drain), Grizzly recycles the
     * request, and Payara then reads its host ({@code HttpCodecUtils.parseHost}) or its URI
     * ({@code URLDecoder}, from {@code CoyoteAdapter.postParseRequest}) from buffers that are gone.
     * The request was dead already; no connection is affected.
     */
    private static List<String> severe(String log) {
        return Arrays.stream(log.split("\\n(?=\\[\\d{4}-)"))
                .filter(record -> record.contains("] [SEVERE] ["))
                .filter(record -> !record.contains("] [SEVERE] [" + PAYARA_STOP_SEVERE + "]"))
                .filter(record -> !record.contains("_ThreadName=admin-thread-pool::admin-listener("))
                .filter(record -> !(record.contains("] [SEVERE] [" + PAYARA_ABANDONED_REQUEST + "]")
                        && record.contains("java.lang.NullPointerException")
                        && !record.contains(HUB_FRAME)))
                .toList();
    }

    /**
     * A record the stopping container writes about itself, with no frame of the hub: Payara's
     * {@value #PAYARA_ABANDONED_REQUEST} ("an exception or error occurred in the container during the
     * request processing", whatever the exception), a NullPointerException, or the "Exception in
     * thread" line Payara logs before an uncaught one. While the web container stops the
     * application, requests and callbacks of upgraded connections (the clients answering the drain's
     * 1012, or reconnecting) race the teardown: seen are a callback that finds no context
     * ({@code InputBuffer$ReadHandlerImpl.processCallbacks}: "context is null") and a request that
     * iterates the request listeners while they are removed ({@code ConcurrentModificationException}
     * in {@code StandardContext.fireRequestInitializedEvent}). Whether every client came back and
     * lost nothing is what the verdict checks.
     */
    private static boolean stoppingContainerOnly(String record) {
        return !record.contains(HUB_FRAME)
                && (record.contains("] [SEVERE] [" + PAYARA_ABANDONED_REQUEST + "]")
                        || record.contains("java.lang.NullPointerException")
                        || record.contains("Exception in thread \""));
    }

    /** The publishers' token first, then one token per {@value #CLIENTS_PER_SUBJECT} clients. */
    private static void writeTokens(Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(TestTokens.token("storm-publisher"));
        for (int i = 0; i < (CLIENTS + CLIENTS_PER_SUBJECT - 1) / CLIENTS_PER_SUBJECT; i++) {
            lines.add(TestTokens.token("storm-" + i));
        }
        Files.write(file, lines);
    }
}
