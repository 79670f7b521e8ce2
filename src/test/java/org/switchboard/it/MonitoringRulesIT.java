package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.Handshakes;
import org.switchboard.it.support.HubClient;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring files in {@code server-config/monitoring/} (issue 19) match what a member really
 * serves: every metric name the alerting rules and the Grafana dashboard use is in the member's
 * {@code /metrics} (exact Prometheus names: no scope prefix, an {@code mp_scope} label, {@code _total}
 * on counters), every label they select on exists on that family, every rule has its annotations,
 * and every {@code runbook_url} anchor is a heading of {@code docs/runbook.md}.
 * <p>
 * Names are taken from the files by pattern ({@link #PREFIXES}): the hub's {@code switchboard_*}
 * and Payara's base and vendor metrics as it names them ({@code memory_*}, {@code gc_*}, ...).
 * {@code up} and {@code probe_success} are made by Prometheus and the blackbox exporter, not by
 * the member, and are not checked here.
 * <p>
 * One family exists only after an event: {@code switchboard_handshakes_refused_total} is registered
 * per {@code reason} at the first refusal of that reason, so the test first has a handshake refused
 * for its origin (reason {@code origin}). Every other family the files use is registered at start.
 */
class MonitoringRulesIT extends DeployedHub {

    static final Path MONITORING = Path.of("server-config", "monitoring");
    static final Path ALERTS = MONITORING.resolve("switchboard-alerts.yml");
    static final Path DASHBOARD = MONITORING.resolve("grafana-dashboard.json");
    static final Path RUNBOOK = Path.of("docs", "runbook.md");

    /**
     * The prefixes of metric names a member serves: the hub's, Payara's base (JVM) and vendor
     * families, and the scope prefixes of older MicroProfile Metrics ({@code base_}, {@code vendor_},
     * {@code application_}), which Payara 6 does not add: a name written with one is reported missing.
     */
    static final String PREFIXES = "(?:switchboard|memory|gc|thread|cpu|classloader|jvm|system|connection_pool"
            + "|base|vendor|application)_";
    /** Metric names of the hub and of Payara, as they appear in PromQL. */
    static final Pattern METRIC_NAME = Pattern.compile(
            "(?<![A-Za-z0-9_:.\"-])(" + PREFIXES + "[A-Za-z0-9_]*[A-Za-z0-9])(?![A-Za-z0-9_])");
    /** A selector: a name and its label matchers, {@code name{a="x",b=~"y"}}. */
    static final Pattern SELECTOR = Pattern.compile(
            "(?<![A-Za-z0-9_:.\"-])(" + PREFIXES + "[A-Za-z0-9_]*[A-Za-z0-9])\\{([^}]*)}");
    static final Pattern MATCHER_LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(?:=~|!~|!=|=)");
    /** A sample line of the exposition: its name and its labels. */
    static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{([^}]*)})?\\s+\\S+");
    static final Pattern SAMPLE_LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"");
    /** Labels Prometheus adds at scrape time (target labels), not the member. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    /** What the files must at least cover (the deliverables of issue 19); guards against an extraction that finds nothing. */
    static final Set<String> REQUIRED = Set.of("switchboard_connections", "switchboard_published_total",
            "switchboard_delivered_total", "switchboard_error_replies_total", "switchboard_slow_consumer_closes_total",
            "switchboard_handshakes_refused_total", "switchboard_connections_refused_total",
            "switchboard_container_adaptations", "memory_usedHeap_bytes", "memory_maxHeap_bytes");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Registers the families that appear only after their first event, and moves the counters. */
    @BeforeEach
    void causeTheLazyFamilies() {
        HttpResponse<?> refused = Handshakes.refused(Handshakes.ws(base), Map.of("Origin", "http://monitoring-it.invalid"));
        assertThat(refused.statusCode()).isEqualTo(403);
        String channel = "monitoring-" + System.nanoTime();
        try (HubClient client = HubClient.connect(base, "monitoring")) {
            client.subscribe(channel);
            assertThat(client.call("publish", channel, Json.createValue(1))).is(HubClient.OK);
            assertThat(HubClient.errorCode(client.call("publish", "bad channel name", Json.createValue(1)))).isEqualTo("invalid_channel");
        }
    }

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsExposed() throws Exception {
        Map<String, Set<String>> exposed = exposedFamilies();
        Set<String> used = new TreeSet<>();
        used.addAll(metricNames(Files.readString(ALERTS)));
        used.addAll(metricNames(dashboardQueries()));

        assertThat(used).as("metric names found in %s and %s", ALERTS, DASHBOARD).containsAll(REQUIRED);
        assertThat(exposed.keySet()).as("families in /metrics").containsAll(used);

        // the check tells right from wrong: a prefix or suffix other MicroProfile Metrics versions use is
        // picked up from the files and is not served
        assertThat(metricNames("base_memory_usedHeap_bytes / application_switchboard_published_total"))
                .containsExactly("application_switchboard_published_total", "base_memory_usedHeap_bytes");
        assertThat(exposed.keySet()).doesNotContain("base_memory_usedHeap_bytes", "application_switchboard_published_total",
                "switchboard_published");
    }

    @Test
    void everyLabelTheRulesAndTheDashboardSelectOnExistsOnItsFamily() throws Exception {
        Map<String, Set<String>> exposed = exposedFamilies();
        List<String> missing = new ArrayList<>();
        for (String text : List.of(Files.readString(ALERTS), dashboardQueries())) {
            Matcher selector = SELECTOR.matcher(text);
            while (selector.find()) {
                Matcher label = MATCHER_LABEL.matcher(selector.group(2));
                while (label.find()) {
                    String name = label.group(1);
                    Set<String> labels = exposed.getOrDefault(selector.group(1), Set.of());
                    if (!TARGET_LABELS.contains(name) && !labels.contains(name)) {
                        missing.add(selector.group(1) + " has no label " + name + " (it has " + labels + ")");
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyRuleHasItsAnnotationsAndARunbookSection() throws IOException {
        List<String> rules = ruleBlocks(Files.readString(ALERTS));
        assertThat(rules).as("alerting rules in %s", ALERTS).hasSizeGreaterThanOrEqualTo(8);
        Set<String> anchors = headingAnchors(Files.readString(RUNBOOK));
        Pattern runbook = Pattern.compile("runbook_url:\\s*\"?(\\S+?)\"?\\s*$", Pattern.MULTILINE);
        for (String rule : rules) {
            String alert = rule.lines().findFirst().orElseThrow().replaceFirst("^\\s*- alert:\\s*", "").trim();
            assertThat(alert).as("alert name").matches("[A-Z][A-Za-z0-9]+");
            assertThat(rule).as(alert).contains("expr:", "summary:", "description:", "runbook_url:", "severity:");
            Matcher url = runbook.matcher(rule);
            assertThat(url.find()).as("runbook_url of %s", alert).isTrue();
            assertThat(url.group(1)).as("runbook_url of %s", alert).contains("docs/runbook.md#");
            String anchor = url.group(1).substring(url.group(1).indexOf('#') + 1);
            assertThat(anchors).as("headings of %s (runbook_url of %s)", RUNBOOK, alert).contains(anchor);
        }
    }

    @Test
    void theDashboardIsAnImportableGrafanaDashboard() throws IOException {
        JsonObject dashboard = dashboard();
        assertThat(dashboard.getInt("schemaVersion")).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.getJsonArray("__inputs").getJsonObject(0).getString("name")).isEqualTo("DS_PROMETHEUS");
        assertThat(dashboard.getJsonObject("templating").getJsonArray("list")).extracting(v -> v.asJsonObject().getString("name"))
                .contains("instance");
        for (JsonValue panel : dashboard.getJsonArray("panels")) {
            JsonObject p = panel.asJsonObject();
            assertThat(p.getJsonObject("datasource").getString("uid")).as(p.getString("title")).isEqualTo("${DS_PROMETHEUS}");
            assertThat(p.getJsonArray("targets")).as(p.getString("title")).isNotEmpty();
            for (JsonValue target : p.getJsonArray("targets")) {
                assertThat(target.asJsonObject().getString("expr")).as(p.getString("title")).contains("$instance");
            }
        }
    }

    /** The runbook tells operators to read these data fields of the readiness check. */
    @Test
    void readinessCarriesTheDataTheRunbookNames() throws Exception {
        URI ready = base.toURI().resolve("/health/ready");
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonObject topic = null;
        try (JsonReader reader = Json.createReader(new StringReader(health.body()))) {
            for (JsonValue check : reader.readObject().getJsonArray("checks")) {
                if ("switchboard-message-topic".equals(check.asJsonObject().getString("name"))) {
                    topic = check.asJsonObject();
                }
            }
        }
        assertThat(topic).as(health.body()).isNotNull();
        assertThat(topic.getJsonObject("data").keySet()).contains("topic", "history-store", "draining", "numbers-messages");
        assertThat(Files.readString(RUNBOOK)).contains("switchboard-message-topic", "history-store", "numbers-messages", "draining");
    }

    /** Family name to the label names its samples carry, from the member's whole /metrics. */
    private Map<String, Set<String>> exposedFamilies() throws Exception {
        URI uri = base.toURI().resolve("/metrics");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "monitoring-rules-it-metrics.txt"), response.body());
        Map<String, Set<String>> families = new TreeMap<>();
        response.body().lines().filter(l -> !l.startsWith("#")).map(SAMPLE::matcher).filter(Matcher::find).forEach(sample -> {
            Set<String> labels = families.computeIfAbsent(sample.group(1), n -> new TreeSet<>());
            if (sample.group(2) != null) {
                Matcher label = SAMPLE_LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        });
        assertThat(families).as("samples in /metrics").isNotEmpty();
        return families;
    }

    static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher name = METRIC_NAME.matcher(text);
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    /** Every PromQL expression of the dashboard (panel targets and template variable queries), one a line. */
    private static String dashboardQueries() throws IOException {
        JsonObject dashboard = dashboard();
        StringBuilder queries = new StringBuilder();
        for (JsonValue panel : dashboard.getJsonArray("panels")) {
            for (JsonValue target : panel.asJsonObject().getJsonArray("targets")) {
                queries.append(target.asJsonObject().getString("expr")).append('\n');
            }
        }
        for (JsonValue variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
            queries.append(variable.asJsonObject().getString("definition", "")).append('\n');
        }
        return queries.toString();
    }

    private static JsonObject dashboard() throws IOException {
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(DASHBOARD)))) {
            return reader.readObject();
        }
    }

    /** The text of each rule: from its {@code - alert:} line to the next rule or group. */
    static List<String> ruleBlocks(String yaml) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : yaml.lines().toList()) {
            if (line.matches("\\s*- alert:.*")) {
                if (current != null) {
                    blocks.add(current.toString());
                }
                current = new StringBuilder();
            } else if (line.matches("\\s*- (name|record):.*") && current != null) {
                blocks.add(current.toString());
                current = null;
            }
            if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            blocks.add(current.toString());
        }
        return blocks;
    }

    /** GitHub's anchors of the Markdown headings: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> headingAnchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        boolean fenced = false;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("#{1,6} .*")) {
                anchors.add(line.replaceFirst("^#+ ", "").trim().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
