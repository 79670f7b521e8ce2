package org.switchboard.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the reconnect browser tests check on demo pages ({@link DemoPage}) across an outage of
 * the hub they are connected to: the status while it is gone, messages typed meanwhile, and the
 * conversation every page shows afterwards.
 */
public final class Conversation {

    /** "reconnecting · next attempt in 3 s (at 12:01:02)": the countdown and the clock time of the attempt. */
    private static final Pattern NEXT_ATTEMPT = Pattern.compile("reconnecting \u00b7 next attempt in \\d+ s \\(at [^)]*\\d\\d[^)]*\\)");

    private Conversation() {
    }

    /**
     * Waits until the page says it is reconnecting and when the next attempt starts (a countdown
     * and {@code data-next-attempt}, epoch ms); returns the status text seen.
     */
    public static String awaitReconnecting(DemoPage page, Duration limit) {
        return new WebDriverWait(page.focus(), limit)
                .withMessage(() -> page.who() + " did not show 'reconnecting' with a next attempt; " + page.describe())
                .until(d -> {
                    WebElement status = d.findElement(By.id("status"));
                    String text = DemoPage.text(status);
                    String at = status.getDomAttribute("data-next-attempt");
                    boolean shown = "reconnecting".equals(status.getDomAttribute("data-state"))
                            && NEXT_ATTEMPT.matcher(text).find() && at != null && at.matches("\\d{13}");
                    return shown ? text : null;
                });
    }

    /** Types a message while the page is offline: it waits in the outbox, not in the conversation. */
    public static void typeOffline(DemoPage page, String text) {
        page.say(text);
        new WebDriverWait(page.focus(), DemoPage.WAIT)
                .withMessage(() -> "'" + text + "' is not shown as pending at " + page.who() + "; " + page.describe())
                .until(d -> page.pendingTexts().contains(text) && DemoPage.text(d.findElement(By.id("status")))
                        .contains("waiting to be sent"));
        assertThat(page.messageTexts()).as("not delivered while offline").doesNotContain(text);
        assertThat(page.find("send").isEnabled()).as("compose stays enabled offline").isTrue();
    }

    /** Waits until every page is connected and shows all {@code texts}, with nothing left in its outbox. */
    public static void awaitDelivered(Duration limit, List<String> texts, DemoPage... pages) {
        for (DemoPage page : pages) {
            new WebDriverWait(page.focus(), limit)
                    .withMessage(() -> page.who() + " does not show all of " + texts + " connected with an empty outbox; "
                            + page.describe())
                    .until(d -> "connected".equals(d.findElement(By.id("status")).getDomAttribute("data-state"))
                            && page.messageTexts().containsAll(texts) && page.outbox().isEmpty());
        }
    }

    /**
     * Every page shows exactly {@code expected} (each message once), in one order, the hub's: the
     * same list on every page, positions strictly increasing, and {@code inOrder} (messages sent
     * one after the other) in that order.
     */
    public static void assertSameConversation(List<String> expected, List<String> inOrder, DemoPage... pages) {
        List<String> first = pages[0].messageTexts();
        List<String> firstPositions = pages[0].messagePositions();
        for (DemoPage page : pages) {
            List<String> texts = page.messageTexts();
            assertThat(texts).as("messages at %s", page.who()).containsExactlyInAnyOrderElementsOf(expected)
                    .doesNotHaveDuplicates().containsSubsequence(inOrder);
            assertThat(texts).as("same order at %s as at %s", page.who(), pages[0].who()).isEqualTo(first);
            List<String> positions = page.messagePositions();
            assertThat(positions).as("positions at %s", page.who()).isEqualTo(firstPositions);
            for (int i = 1; i < positions.size(); i++) {
                assertThat(before(positions.get(i - 1), positions.get(i)))
                        .as("%s: %s before %s", page.who(), positions.get(i - 1), positions.get(i)).isTrue();
            }
            assertThat(page.focus().findElements(By.cssSelector("#messages .notice.problem[data-code='unrecovered']")))
                    .as("%s was told messages are missing", page.who()).isEmpty();
        }
    }

    private static boolean before(String a, String b) {
        String[] x = a.split(":");
        String[] y = b.split(":");
        long ea = Long.parseLong(x[0]);
        long eb = Long.parseLong(y[0]);
        return ea < eb || (ea == eb && Long.parseLong(x[1]) < Long.parseLong(y[1]));
    }
}
