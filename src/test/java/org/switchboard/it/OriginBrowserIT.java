package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.switchboard.it.support.Chromium;
import org.switchboard.it.support.DemoTokens;
import org.switchboard.it.support.HubClient;

/**
 * The Origin policy from a real browser (cross-site WebSocket hijacking): a page served from ANOTHER
 * local origin ({@code http://127.0.0.1:<some port>}, a JDK HttpServer inside the test) opens a
 * WebSocket to the hub with a valid token and is refused before the upgrade, while the very same
 * script with the very same token, run in a page of the hub's own origin (the demo page), connects.
 * The token comes from the demo issuer, called by the test itself (a foreign page cannot read the
 * issuer's answer). Assertions are on what the pages recorded, and on Chromium's console, which
 * names the HTTP status of a refused handshake.
 */
@HubDeployment(config = {"switchboard.security.demo-issuer=enabled", "switchboard.security.anonymous=false"})
class OriginBrowserIT extends DeployedHub {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * The probe both pages run: connect with the token in the subprotocol list, as the demo page does,
     * and record what happens in {@code window.probe} and in the element {@code #result}.
     */
    private static final String PROBE = """
            function runProbe(url, token) {
              const probe = { events: [], opened: false, protocol: null, welcome: null, closeCode: null, done: false };
              window.probe = probe;
              const show = () => { document.getElementById('result').textContent = JSON.stringify(probe); };
              let ws;
              try {
                ws = new WebSocket(url, ['switchboard.v1', 'bearer.' + token]);
              } catch (e) {
                probe.events.push('throw ' + e.message);
                probe.done = true;
                show();
                return;
              }
              ws.onopen = () => { probe.events.push('open'); probe.opened = true; probe.protocol = ws.protocol; show(); };
              ws.onerror = () => { probe.events.push('error'); show(); };
              ws.onmessage = (event) => {
                for (const part of String(event.data).split('\\n')) {
                  if (!part.trim()) continue;
                  const frame = JSON.parse(part);
                  probe.events.push('frame ' + frame.type);
                  if (frame.type === 'welcome') {
                    probe.welcome = frame.data;
                    ws.close(1000, 'probe done');
                  }
                }
                show();
              };
              ws.onclose = (event) => { probe.events.push('close ' + event.code); probe.closeCode = event.code; probe.done = true; show(); };
            }
            """;

    private final Chromium chromium = new Chromium();
    private HttpServer foreign;

    @AfterEach
    void stop() {
        chromium.close();
        if (foreign != null) {
            foreign.stop(0);
        }
    }

    @Test
    void aPageOfAnotherOriginIsRefusedWhileTheHubsOwnOriginConnects() throws IOException {
        String token = DemoTokens.signIn(base, "alice", "alice-demo").getString("token");
        String hubSocket = HubClient.endpoint(base, null).toString();
        String foreignPage = startForeignPage(hubSocket, token);
        assertThat(foreignPage).as("a different origin than the hub's").doesNotStartWith(origin(base.toExternalForm()));

        WebDriver browser = chromium.open();

        // 1. the foreign page: loads, tries at once, is refused (a browser sees only error + 1006)
        browser.get(foreignPage);
        Map<String, Object> refused = awaitProbe(browser, "foreign page " + foreignPage);
        assertThat(refused.get("opened")).as("socket opened from a foreign origin: %s", refused).isEqualTo(false);
        assertThat(refused.get("welcome")).as("welcome at a foreign origin: %s", refused).isNull();
        assertThat(refused.get("events")).as("events at the foreign page").isEqualTo(List.of("error", "close 1006"));
        assertThat(((Number) refused.get("closeCode")).intValue()).isEqualTo(1006);
        assertThat(Chromium.consoleErrors(browser))
                .as("Chromium names the refusal: HTTP 403 (Origin not allowed), not 401 (credentials)")
                .anySatisfy(message -> assertThat(message).contains(hubSocket).contains("403"));

        // 2. the hub's own origin (the demo page), the same script and the same token: connected as alice
        String demoPage = base.toExternalForm();
        browser.get(demoPage);
        new WebDriverWait(browser, WAIT).until(d -> "offline".equals(d.findElement(By.id("status")).getDomAttribute("data-state")));
        ((JavascriptExecutor) browser).executeScript(
                "if (!document.getElementById('result')) {"
                        + " const p = document.createElement('pre'); p.id = 'result'; document.body.append(p); }"
                        + PROBE + "runProbe(arguments[0], arguments[1]);",
                hubSocket, token);
        Map<String, Object> accepted = awaitProbe(browser, "demo page " + demoPage);
        assertThat(accepted.get("opened")).as("socket opened from the hub's origin: %s", accepted).isEqualTo(true);
        assertThat(accepted.get("protocol")).isEqualTo("switchboard.v1");
        @SuppressWarnings("unchecked")
        Map<String, Object> welcome = (Map<String, Object>) accepted.get("welcome");
        assertThat(welcome).as("welcome at the hub's origin: %s", accepted).isNotNull();
        assertThat(welcome.get("user")).as("the token's subject").isEqualTo("alice");
        assertThat(((Number) accepted.get("closeCode")).intValue()).as("closed by the probe").isEqualTo(1000);
        assertThat(Chromium.consoleErrors(browser)).as("console errors at the hub's origin").isEmpty();
    }

    /** Serves the probe page on 127.0.0.1 at a free port; returns its URL. */
    private String startForeignPage(String hubSocket, String token) throws IOException {
        byte[] html = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>elsewhere</title>"
                + "<link rel=\"icon\" href=\"data:,\"></head>"
                + "<body><h1>Some other intranet site</h1><pre id=\"result\"></pre>"
                + "<script>" + PROBE + "runProbe(" + jsString(hubSocket) + ", " + jsString(token) + ");</script>"
                + "</body></html>").getBytes(StandardCharsets.UTF_8);
        foreign = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        foreign.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, html.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(html);
            }
        });
        foreign.start();
        return "http://127.0.0.1:" + foreign.getAddress().getPort() + "/elsewhere.html";
    }

    /** Waits until the page's probe is done (its socket closed) and returns what it recorded. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitProbe(WebDriver browser, String where) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        new WebDriverWait(browser, WAIT)
                .withMessage(() -> "the probe at the " + where + " did not finish: "
                        + browser.findElement(By.id("result")).getText())
                .until(d -> Boolean.TRUE.equals(js.executeScript("return !!(window.probe && window.probe.done);")));
        return (Map<String, Object>) js.executeScript("return window.probe;");
    }

    private static String origin(String url) {
        int slash = url.indexOf('/', url.indexOf("://") + 3);
        return slash < 0 ? url : url.substring(0, slash);
    }

    private static String jsString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (Character.isLetterOrDigit(c) || ".-_:/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.append('"').toString();
    }
}
