package org.switchboard.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium sessions for the browser ITs: each {@link #open()} is a separate browser with a
 * fresh profile (its own cookies and storage); {@link #close()} quits them all and deletes the profiles.
 *
 * <p>Uses Debian's {@code chromium} and {@code chromedriver} packages. The driver path is given
 * explicitly, so Selenium Manager is never run and nothing is downloaded. Override the paths
 * with {@code -Dswitchboard.it.chromium=...} and {@code -Dswitchboard.it.chromedriver=...}.
 */
public final class Chromium implements AutoCloseable {

    private static final String CHROMIUM = System.getProperty("switchboard.it.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER =
            System.getProperty("switchboard.it.chromedriver", "/usr/bin/chromedriver");

    private final List<WebDriver> drivers = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    /** A new browser (one window), its console log recorded. */
    public WebDriver open() {
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

    /**
     * The browser's console messages of level SEVERE (errors) since the last call: reading the log
     * drains it. Chromium logs a refused WebSocket handshake there, with the HTTP status.
     */
    public static List<String> consoleErrors(WebDriver driver) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    @Override
    public void close() {
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

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: the OS cleans temp eventually
        }
    }
}
