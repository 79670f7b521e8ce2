package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.DemoPage.text;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.switchboard.it.support.Chromium;
import org.switchboard.it.support.DemoPage;

/**
 * The demo page keeps its connection past the expiry of the token it connected with: the hub warns
 * ({@code expiring}, {@value #WARNING_S} s before), the page renews the token at the demo issuer with
 * the current one and hands the new one over ({@code refresh}), so the hub does not close with 4003.
 * Demo tokens live {@value #TTL_S} s here instead of 5 minutes.
 */
@HubDeployment(config = {"switchboard.security.demo-issuer=enabled", "switchboard.security.anonymous=false",
        "switchboard.security.demo-token-ttl-s=" + TokenRenewalBrowserIT.TTL_S,
        "switchboard.security.expiry-warning-s=" + TokenRenewalBrowserIT.WARNING_S})
class TokenRenewalBrowserIT extends DeployedHub {

    static final int TTL_S = 20;
    static final int WARNING_S = 12;

    private final Chromium chromium = new Chromium();

    @AfterEach
    void quitBrowsers() {
        chromium.close();
    }

    @Test
    void thePageRenewsItsTokenInPlaceAndStaysConnectedPastTheFirstExpiry() {
        String channel = "renew-" + UUID.randomUUID().toString().substring(0, 8);
        DemoPage dana = DemoPage.open(base, "dana", chromium.open(), false);
        dana.signIn("dana-demo");
        dana.join(channel);
        String connection = connectionOf(dana);
        long firstExpiry = ((Number) dana.storedSession().get("expiresAt")).longValue();
        String firstToken = (String) dana.storedSession().get("token");

        // the hub's warning makes the page fetch a token that lives longer, for the same user
        Duration renewal = Duration.ofSeconds(TTL_S + 10);
        new WebDriverWait(dana.driver(), renewal)
                .withMessage(() -> "the page did not renew its token; " + dana.describe())
                .until(d -> ((Number) dana.storedSession().get("expiresAt")).longValue() > firstExpiry);
        assertThat(dana.storedSession().get("token")).isNotEqualTo(firstToken);
        assertThat(dana.storedSession().get("subject")).isEqualTo("dana");

        // the token the connection was opened with expires; the connection lives on (no 4003, no reconnect)
        JavascriptExecutor js = (JavascriptExecutor) dana.driver();
        new WebDriverWait(dana.driver(), renewal)
                .until(d -> ((Number) js.executeScript("return Date.now();")).longValue() > firstExpiry + 3000);
        assertThat(dana.find("status").getDomAttribute("data-state")).as(dana.describe()).isEqualTo("connected");
        assertThat(connectionOf(dana)).as("the same connection, refreshed in place").isEqualTo(connection);
        assertThat(dana.driver().findElements(By.cssSelector("#messages .notice")))
                .as("no close or refusal shown").noneMatch(n -> text(n).contains("closed") || text(n).contains("refused"));

        // and it still works
        String text = "still here after the first token expired";
        dana.say(text);
        dana.awaitMessage(text);
        assertThat(Chromium.consoleErrors(dana.driver())).as("browser console errors").isEmpty();
    }

    /** The connection id the page shows next to the user (from welcome). */
    private static String connectionOf(DemoPage page) {
        String detail = text(page.find("whoami-detail"));
        int at = detail.indexOf("connection ");
        assertThat(at).as("connection shown in '%s'", detail).isGreaterThanOrEqualTo(0);
        return detail.substring(at + "connection ".length()).split("[ \u00b7)]", 2)[0];
    }
}
