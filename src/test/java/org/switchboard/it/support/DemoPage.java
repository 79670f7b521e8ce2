package org.switchboard.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page (src/main/webapp/index.html) in one tab of a Chromium ({@link Chromium}), and the
 * steps a person takes there: sign in, join a channel, read the presence panel and the messages.
 * Every wait is a {@link WebDriverWait} on what the page shows, bounded by {@link #WAIT}.
 *
 * @param who the user name this tab signs in with (also its name in failure messages)
 */
public record DemoPage(String who, WebDriver driver, String handle) {

    public static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * Opens the demo page at {@code base} in the browser's current tab, or in a new tab of it, and
     * types the user name into the sign-in form.
     */
    public static DemoPage open(URL base, String who, WebDriver driver, boolean newTab) {
        String url = base.toExternalForm();
        return open(url.endsWith("/") ? url : url + "/", who, driver, newTab);
    }

    /** Like {@link #open(URL, String, WebDriver, boolean)}, at a page URL that may carry a query (e.g. {@code ?hub=...}). */
    public static DemoPage open(String url, String who, WebDriver driver, boolean newTab) {
        if (newTab) {
            driver.switchTo().newWindow(WindowType.TAB);
        }
        DemoPage page = new DemoPage(who, driver, driver.getWindowHandle());
        driver.get(url);
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "demo page did not load; " + page.describe())
                .until(d -> "offline".equals(d.findElement(By.id("status")).getDomAttribute("data-state"))
                        && d.findElement(By.id("signin")).isEnabled()
                        && !d.findElement(By.id("join")).isEnabled());
        WebElement user = driver.findElement(By.id("username"));
        user.clear();
        user.sendKeys(who);
        return page;
    }

    /** Makes this tab the one Selenium talks to (one browser, several tabs) and returns the driver. */
    public WebDriver focus() {
        driver.switchTo().window(handle);
        return driver;
    }

    public WebElement find(String id) {
        return focus().findElement(By.id(id));
    }

    /** Signs in with the password; waits until the page shows who is signed in. */
    public void signIn(String password) {
        WebDriver d = focus();
        d.findElement(By.id("password")).sendKeys(password);
        d.findElement(By.id("signin")).click();
        new WebDriverWait(d, WAIT)
                .withMessage(() -> who + " did not get signed in; " + describe())
                .until(x -> x.findElement(By.id("identity")).isDisplayed()
                        && who.equals(text(x.findElement(By.id("whoami"))))
                        && x.findElement(By.id("join")).isEnabled());
        assertThat(d.findElement(By.id("signin-form")).isDisplayed()).isFalse();
    }

    /** Types the channel and presses Join, without waiting. */
    public void submitJoin(String channel) {
        WebElement field = find("channel");
        field.clear();
        field.sendKeys(channel);
        driver.findElement(By.id("join")).click();
    }

    /** Joins the channel; waits until the page is connected and subscribed. */
    public void join(String channel) {
        submitJoin(channel);
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> who + " did not get connected; " + describe())
                .until(d -> {
                    WebElement status = d.findElement(By.id("status"));
                    return "connected".equals(status.getDomAttribute("data-state"))
                            && text(status).contains("connected as " + who);
                });
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.id("send")));
    }

    /** Sends a message with Enter. */
    public void say(String text) {
        WebElement field = find("text");
        field.sendKeys(text);
        field.sendKeys(org.openqa.selenium.Keys.ENTER);
    }

    public void awaitPresence(List<String> expected) {
        List<String> sorted = expected.stream().sorted().toList();
        new WebDriverWait(focus(), WAIT)
                .withMessage(() -> "presence panel of " + who + " should list exactly " + sorted + "; " + describe())
                .until(d -> presence().equals(sorted));
    }

    /** The message with exactly this text, once it is shown. */
    public WebElement awaitMessage(String expectedText) {
        return new WebDriverWait(focus(), WAIT)
                .withMessage(() -> "message '" + expectedText + "' did not appear at " + who + "; " + describe())
                .until(d -> d.findElements(By.cssSelector("#messages .msg")).stream()
                        .filter(m -> m.findElements(By.cssSelector(".text")).stream()
                                .anyMatch(t -> expectedText.equals(text(t))))
                        .findFirst()
                        .orElse(null));
    }

    /** The texts of the messages the conversation shows (delivered by the hub), in page order. */
    public List<String> messageTexts() {
        return focus().findElements(By.cssSelector("#messages .msg .text")).stream().map(DemoPage::text).toList();
    }

    /** The {@code epoch:seq} of the messages the conversation shows, in page order. */
    public List<String> messagePositions() {
        return focus().findElements(By.cssSelector("#messages .msg")).stream()
                .map(m -> m.getDomAttribute("data-epoch") + ":" + m.getDomAttribute("data-seq"))
                .toList();
    }

    /** The texts of this tab's publications the hub has not acknowledged yet (shown below the conversation). */
    public List<String> pendingTexts() {
        return focus().findElements(By.cssSelector("#outbox .outgoing.pending .text")).stream().map(DemoPage::text).toList();
    }

    /** Everything in the outbox (pending, acknowledged but not yet delivered, failed), with its state. */
    public List<String> outbox() {
        return focus().findElements(By.cssSelector("#outbox .outgoing")).stream()
                .map(o -> o.getDomAttribute("class") + ": " + text(o))
                .toList();
    }

    /** Waits until the status line's {@code data-state} is {@code state}; returns the status element. */
    public WebElement awaitStatus(String state, Duration limit) {
        return new WebDriverWait(focus(), limit)
                .withMessage(() -> who + "'s status did not become " + state + "; " + describe())
                .until(d -> {
                    WebElement status = d.findElement(By.id("status"));
                    return state.equals(status.getDomAttribute("data-state")) ? status : null;
                });
    }

    /** The presence panel's entries, sorted. */
    public List<String> presence() {
        return focus().findElements(By.cssSelector("#presence li")).stream()
                .map(DemoPage::text)
                .sorted()
                .toList();
    }

    /** What the page keeps of its sign-in in sessionStorage (null if none): {token, expiresAt, subject, name}. */
    @SuppressWarnings("unchecked")
    public java.util.Map<String, Object> storedSession() {
        return (java.util.Map<String, Object>) ((JavascriptExecutor) focus()).executeScript(
                "return JSON.parse(sessionStorage.getItem('switchboard.demo.session') || 'null');");
    }

    /** The element's own text, without CSS generated content. */
    public static String text(WebElement element) {
        String text = element.getDomProperty("textContent");
        return text == null ? "" : text.trim();
    }

    /** The page's state, for failure messages. */
    public String describe() {
        try {
            WebDriver d = focus();
            String status = text(d.findElement(By.id("status")));
            String errors = text(d.findElement(By.id("errors")));
            List<String> log = d.findElements(By.cssSelector("#messages .msg .text, #messages .notice")).stream()
                    .map(DemoPage::text)
                    .toList();
            return who + ": status='" + status + "', presence=" + presence() + ", log=" + log + ", outbox=" + outbox()
                    + ", errors='" + errors + "'";
        } catch (RuntimeException e) {
            return "page state unavailable: " + e;
        }
    }
}
