package org.switchboard.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.switchboard.it.support.Chromium;
import org.switchboard.it.support.DemoPage;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.DemoPage.text;

/**
 * The admin page in Chromium: an administrator (dana, role switchboard-admin) signs in, sees the two
 * demo users who are chatting, disconnects one (her page says so) and sends a system message (the
 * other page shows it), and watches the channel live; a user without the role (alice) is refused.
 */
@HubDeployment(config = {"switchboard.security.demo-issuer=enabled", "switchboard.security.anonymous=false"})
class AdminPageBrowserIT extends DeployedHub {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Chromium chromium = new Chromium();

    @AfterEach
    void quitBrowsers() {
        chromium.close();
    }

    @Test
    void anAdminSeesDisconnectsAndMessagesTheDemoUsers() {
        String channel = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        WebDriver users = chromium.open();
        DemoPage alice = DemoPage.open(base, "alice", users, false);
        DemoPage bob = DemoPage.open(base, "bob", users, true);
        alice.signIn("alice-demo");
        bob.signIn("bob-demo");
        alice.join(channel);
        bob.join(channel);
        bob.awaitPresence(List.of("alice", "bob"));

        WebDriver admin = chromium.open();
        signIn(admin, "dana", "dana-demo");
        admin.get(base + "admin/");
        until(admin, d -> d.findElements(By.cssSelector("#connections tbody tr")).stream()
                .anyMatch(r -> "alice".equals(r.getDomAttribute("data-subject")) && text(r).contains(channel)));
        until(admin, d -> d.findElements(By.cssSelector("#connections tbody tr")).stream()
                .anyMatch(r -> "bob".equals(r.getDomAttribute("data-subject"))));
        until(admin, d -> d.findElements(By.cssSelector("#channels tbody tr")).stream()
                .anyMatch(r -> text(r).contains(channel)));

        // the live view of the channel, through the admin's own connection
        admin.findElement(By.id("tail-channel")).sendKeys(channel);
        admin.findElement(By.id("tail-watch")).click();
        until(admin, d -> "connected".equals(text(d.findElement(By.id("tail-state")))));

        admin.findElement(By.id("search")).sendKeys("alice");
        admin.findElement(By.id("search-button")).click();
        until(admin, d -> d.findElements(By.cssSelector("#connections tbody tr")).size() == 1);
        until(admin, d -> {
            d.findElement(By.cssSelector("#connections tbody tr button.disconnect")).click();
            return true;
        });
        until(alice.focus(), d -> d.findElements(By.cssSelector("#messages .notice")).stream()
                .anyMatch(n -> text(n).contains("4005") && text(n).contains("disconnected by an administrator")));

        admin.findElement(By.id("system-channel")).sendKeys(channel);
        admin.findElement(By.id("system-text")).sendKeys("maintenance at 18:00");
        admin.findElement(By.id("system-send")).click();
        WebElement notice = bob.awaitMessage("maintenance at 18:00");
        assertThat(text(notice)).contains("system");
        until(admin, d -> d.findElements(By.cssSelector("#tail li")).stream()
                .anyMatch(l -> text(l).contains("maintenance at 18:00") && text(l).contains("(system)")));
        assertThat(text(admin.findElement(By.id("error")))).isEmpty();
    }

    @Test
    void aUserWithoutTheAdminRoleIsRefused() {
        WebDriver browser = chromium.open();
        signIn(browser, "alice", "alice-demo");
        browser.get(base + "admin/");
        until(browser, d -> d.getPageSource().contains("403"));
        assertThat(browser.findElements(By.id("connections"))).isEmpty();
    }

    /** The container's FORM login (/login.html, j_security_check) in this browser. */
    private void signIn(WebDriver browser, String user, String password) {
        browser.get(base + "account/");
        until(browser, d -> !d.findElements(By.name("j_username")).isEmpty());
        browser.findElement(By.name("j_username")).sendKeys(user);
        browser.findElement(By.name("j_password")).sendKeys(password);
        browser.findElement(By.cssSelector("form button, form input[type=submit]")).click();
        until(browser, d -> d.findElements(By.name("j_username")).isEmpty());
    }

    /** Waits for the condition; the page re-renders its tables every 2 s, so an element found may go stale: try again. */
    private static <T> T until(WebDriver driver, java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(d -> {
            T value = condition.apply(d);
            return value instanceof Boolean b && !b ? null : value;
        });
    }
}
