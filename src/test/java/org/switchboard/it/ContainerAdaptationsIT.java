package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.ApplicationMetrics;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.ServerLog;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub's container adaptations (org.switchboard.container) report the state this run expects,
 * in readiness, in the metrics and in the server log, and the hub serves traffic in that state.
 * In the ordinary run every adaptation is {@code active}: it found the Payara internals it expects
 * on the Payara the build ships, and none reports a mismatch. In the failsafe execution
 * {@code adaptations-off} ({@link Deployments#adaptationsOff()}) every one is {@code off} and the
 * plain-API paths carry the traffic.
 */
@Tag("adaptations-off")
class ContainerAdaptationsIT extends DeployedHub {

    static final List<String> ADAPTATIONS = List.of(
            "tyrus-idle-timeout",
            "tyrus-frame-writer",
            "tyrus-handshake-release",
            "grizzly-request-trim",
            "grizzly-writer-threads",
            "tyrus-inbound-inspection",
            "grizzly-worker-backlog",
            "catalina-direct-upgrade",
            "weld-direct-beans",
            "shared-endpoint-instance");

    private static final String CHECK = "switchboard-container-adaptations";
    private static final String METRIC = "switchboard_container_adaptations";
    private static final String REPORT = "Switchboard container adaptations:";
    /** In a fallback's reason: the internals were not what the adaptation resolves at start. */
    private static final String MISMATCH = "not as expected";
    /** Logged when an adaptation resolved at start fails on a live connection (the request trim). */
    private static final String LIVE_FAILURE = "failed on a live connection";

    private static final Pattern REPORT_PAIR = Pattern.compile("([a-z-]+)=([a-z]+)");
    private static final Pattern SAMPLE = Pattern.compile("^" + METRIC + "\\{([^}]*)\\}\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private static final String EXPECTED = Deployments.adaptationsOff() ? "off" : "active";

    @Test
    void trafficFlowsInBothDirections() {
        exchangeMessages();
    }

    @Test
    void readinessReportsEveryAdaptationInTheExpectedState() throws Exception {
        URI ready = URI.create("http://" + base.getHost() + ":" + base.getPort() + "/health/ready");
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject check = null;
        try (JsonReader reader = Json.createReader(new StringReader(health.body()))) {
            for (JsonValue each : reader.readObject().getJsonArray("checks")) {
                if (CHECK.equals(each.asJsonObject().getString("name"))) {
                    check = each.asJsonObject();
                }
            }
        }
        assertThat(check).as("readiness check %s in %s", CHECK, health.body()).isNotNull();
        assertThat(check.getString("status")).isEqualTo("UP");
        JsonObject data = check.getJsonObject("data");
        assertThat(data.keySet()).as("adaptations in %s", data).containsExactlyInAnyOrderElementsOf(ADAPTATIONS);
        for (String name : ADAPTATIONS) {
            assertThat(data.getString(name)).as("state of %s", name).startsWith(EXPECTED);
        }
    }

    @Test
    void metricReportsEveryAdaptationInTheExpectedState() throws Exception {
        String metrics = ApplicationMetrics.text(base);
        // name -> the states whose gauge is 1
        Map<String, List<String>> states = new TreeMap<>();
        metrics.lines().map(SAMPLE::matcher).filter(Matcher::find).forEach(sample -> {
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher label = LABEL.matcher(sample.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            if (Double.parseDouble(sample.group(2)) == 1.0) {
                states.computeIfAbsent(String.valueOf(labels.get("name")), n -> new ArrayList<>()).add(labels.get("state"));
            }
        });
        Map<String, List<String>> expected = new TreeMap<>();
        ADAPTATIONS.forEach(name -> expected.put(name, List.of(EXPECTED)));
        assertThat(states).as("%s samples at 1 in\n%s", METRIC, metrics).isEqualTo(expected);
    }

    @Test
    void serverLogReportsTheStatesOnceAndNoMismatch() throws Exception {
        assertThat(ServerLog.FILE).exists();
        exchangeMessages();
        await().atMost(Duration.ofSeconds(30)).until(() -> ServerLog.sinceDeployment().contains(REPORT));
        String log = ServerLog.sinceDeployment();

        List<String> reports = log.lines().filter(l -> l.contains(REPORT)).toList();
        assertThat(reports).as("report lines since this deployment").hasSize(1);
        Map<String, String> reported = new TreeMap<>();
        Matcher pair = REPORT_PAIR.matcher(reports.get(0).substring(reports.get(0).indexOf(REPORT) + REPORT.length()));
        while (pair.find()) {
            reported.put(pair.group(1), pair.group(2));
        }
        Map<String, String> expected = new TreeMap<>();
        ADAPTATIONS.forEach(name -> expected.put(name, EXPECTED));
        assertThat(reported).as(reports.get(0)).isEqualTo(expected);

        assertThat(log).doesNotContain(MISMATCH).doesNotContain(LIVE_FAILURE);
    }

    /** Subscribe, publish, receive and ping over two connections (served after the trim when it is active). */
    private void exchangeMessages() {
        String channel = "adapt-" + System.nanoTime();
        try (HubClient first = HubClient.connect(base, "first");
             HubClient second = HubClient.connect(base, "second")) {
            first.subscribe(channel);
            second.subscribe(channel);
            assertThat(second.call("publish", channel, Json.createObjectBuilder().add("text", "from second").build())).is(HubClient.OK);
            assertThat(first.awaitMessages(channel, 1).get(0).getJsonObject("data").getString("text")).isEqualTo("from second");
            assertThat(first.call("publish", channel, Json.createObjectBuilder().add("text", "from first").build())).is(HubClient.OK);
            for (HubClient subscriber : List.of(first, second)) {
                assertThat(subscriber.awaitMessages(channel, 2)).extracting(m -> m.getJsonObject("data").getString("text"))
                        .containsExactly("from second", "from first");
            }
            assertThat(first.call("ping", null, null).getString("type")).isEqualTo("pong");
            assertThat(second.call("ping", null, null).getString("type")).isEqualTo("pong");
        }
    }
}
