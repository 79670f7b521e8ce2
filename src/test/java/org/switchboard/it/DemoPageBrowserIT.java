package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives the demo page (src/main/webapp/index.html) in two real headless Chromium sessions
 * against the deployed hub: both join one channel, see each other in the presence panel and
 * exchange messages.
 *
 * <p>Uses Debian's {@code chromium} and {@code chromedriver} packages. The driver path is given
 * explicitly, so Selenium Manager is never run and nothing is downloaded. Override the paths
 * with {@code -Dswitchboard.it.chromium=...} and {@code -Dswitchboard.it.chromedriver=...}.
 */
class DemoPageBrowserIT extends DeployedHub {

    private static final String CHROMIUM = System.getProperty("switchboard.it.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER =
            System.getProperty("switchboard.it.chromedriver", "/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<WebDriver> drivers = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    @AfterEach
    void quitBrowsers() {
        for (WebDriver driver : drivers) {
            try {
                driver.quit();
            } catch (RuntimeException e) {
                System.err.println("could not quit browser: " + e);
            }
        }
        drivers.clear();
        for (Path profile : profiles) {
            deleteQuietly(profile);
        }
        profiles.clear();
    }

    @Test
    void twoBrowsersSeeEachOtherAndChat() {
        String channel = "it-demo-" + UUID.randomUUID().toString().substring(0, 8);
        WebDriver alice = openDemo();
        WebDriver bob = openDemo();

        join(alice, "alice", channel);
        join(bob, "bob", channel);

        // Each sees both members, each name exactly once (one connection each).
        awaitPresence(bob, List.of("alice", "bob"));
        awaitPresence(alice, List.of("alice", "bob"));

        // alice sends with Enter; the text carries markup to prove it is shown as text.
        String fromAlice = "hello bob <b>&amp;</b> \u00fcn\u00efc\u00f6de " + channel;
        WebElement aliceText = alice.findElement(By.id("text"));
        aliceText.sendKeys(fromAlice);
        aliceText.sendKeys(Keys.ENTER);

        WebElement atBob = awaitMessage(bob, fromAlice);
        assertThat(text(atBob.findElement(By.cssSelector(".from")))).isEqualTo("alice");
        assertThat(atBob.getAttribute("class")).doesNotContain("own");
        assertThat(atBob.findElements(By.tagName("b"))).as("user text must not be parsed as HTML").isEmpty();

        WebElement atAlice = awaitMessage(alice, fromAlice);
        assertThat(atAlice.getAttribute("class")).as("own message is marked").contains("own");
        new WebDriverWait(alice, WAIT).until(d -> d.findElement(By.id("text")).getDomProperty("value").isEmpty());

        // bob answers with the Send button.
        String fromBob = "hi alice from " + channel;
        bob.findElement(By.id("text")).sendKeys(fromBob);
        bob.findElement(By.id("send")).click();

        WebElement bobAtAlice = awaitMessage(alice, fromBob);
        assertThat(text(bobAtAlice.findElement(By.cssSelector(".from")))).isEqualTo("bob");
        assertThat(bobAtAlice.getAttribute("class")).doesNotContain("own");
        assertThat(awaitMessage(bob, fromBob).getAttribute("class")).contains("own");

        // bob leaves: alice's presence panel drops him, bob's page goes offline.
        bob.findElement(By.id("leave")).click();
        awaitPresence(alice, List.of("alice"));
        new WebDriverWait(bob, WAIT)
                .withMessage(() -> "bob's page did not go offline; " + describe(bob))
                .until(d -> !"connected".equals(d.findElement(By.id("status")).getDomAttribute("data-state"))
                        && d.findElements(By.cssSelector("#presence li")).isEmpty());

        assertNoConsoleErrors(alice);
        assertNoConsoleErrors(bob);
    }

    // ------------------------------------------------------------------ page steps

    private WebDriver openDemo() {
        WebDriver driver = newChromium();
        String page = base.toExternalForm();
        driver.get(page.endsWith("/") ? page : page + "/");
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "demo page did not load; " + describe(driver))
                .until(d -> "offline".equals(d.findElement(By.id("status")).getDomAttribute("data-state"))
                        && d.findElement(By.id("join")).isEnabled());
        return driver;
    }

    private static void join(WebDriver driver, String name, String channel) {
        WebElement nameField = driver.findElement(By.id("name"));
        nameField.clear();
        nameField.sendKeys(name);
        WebElement channelField = driver.findElement(By.id("channel"));
        channelField.clear();
        channelField.sendKeys(channel);
        driver.findElement(By.id("join")).click();
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> name + " did not get connected; " + describe(driver))
                .until(d -> {
                    WebElement status = d.findElement(By.id("status"));
                    return "connected".equals(status.getDomAttribute("data-state"))
                            && status.getText().contains("connected");
                });
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.id("send")));
    }

    private static void awaitPresence(WebDriver driver, List<String> expected) {
        List<String> sorted = expected.stream().sorted().toList();
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "presence panel should list exactly " + sorted + "; " + describe(driver))
                .until(d -> presence(d).equals(sorted));
    }

    private static WebElement awaitMessage(WebDriver driver, String expectedText) {
        return new WebDriverWait(driver, WAIT)
                .withMessage(() -> "message '" + expectedText + "' did not appear; " + describe(driver))
                .until(d -> d.findElements(By.cssSelector("#messages .msg")).stream()
                        .filter(m -> m.findElements(By.cssSelector(".text")).stream()
                                .anyMatch(t -> expectedText.equals(text(t))))
                        .findFirst()
                        .orElse(null));
    }

    private static List<String> presence(WebDriver driver) {
        return driver.findElements(By.cssSelector("#presence li")).stream()
                .map(DemoPageBrowserIT::text)
                .sorted()
                .toList();
    }

    /** The element's own text, without CSS generated content. */
    private static String text(WebElement element) {
        String text = element.getDomProperty("textContent");
        return text == null ? "" : text.trim();
    }

    private static String describe(WebDriver driver) {
        try {
            String status = text(driver.findElement(By.id("status")));
            String errors = text(driver.findElement(By.id("errors")));
            List<String> messages = driver.findElements(By.cssSelector("#messages .msg .text")).stream()
                    .map(DemoPageBrowserIT::text)
                    .toList();
            return "status='" + status + "', presence=" + presence(driver) + ", messages=" + messages
                    + ", errors='" + errors + "'";
        } catch (RuntimeException e) {
            return "page state unavailable: " + e;
        }
    }

    private static void assertNoConsoleErrors(WebDriver driver) {
        List<String> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .collect(Collectors.toList());
        assertThat(severe).as("browser console errors").isEmpty();
    }

    // ------------------------------------------------------------------ browser setup

    private WebDriver newChromium() {
        assertThat(new File(CHROMIUM)).as("Chromium (apt-get install chromium chromium-driver)").canRead();
        assertThat(new File(CHROMEDRIVER)).as("chromedriver (apt-get install chromium-driver)").canRead();
        // An explicit driver path makes Selenium skip Selenium Manager, which would try to download.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);

        Path profile;
        try {
            profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a Chromium profile directory", e);
        }
        profiles.add(profile);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        drivers.add(driver);
        return driver;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: the OS cleans temp eventually
        }
    }
}
