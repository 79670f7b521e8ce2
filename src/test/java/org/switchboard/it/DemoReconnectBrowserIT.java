package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.DemoPage.text;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.switchboard.it.support.Chromium;
import org.switchboard.it.support.Conversation;
import org.switchboard.it.support.DemoPage;
import org.switchboard.it.support.ItDomain;

/**
 * The demo page (on the client library) keeps working across a real restart of the hub, without a
 * page reload: alice and bob, two tabs of one Chromium, chat on a channel with history; the IT
 * domain is stopped ({@code asadmin stop-domain}) and each types a message while it is down (shown
 * as pending, the status counting down to the next attempt); the domain is started again and both
 * pages reconnect with the tokens they have (the demo issuer's key is a file of the domain), resume
 * the channel and deliver what was typed offline. Afterwards both pages show every acknowledged
 * message exactly once, in the same order. The domain is started again whatever happens, for the
 * ITs after this one.
 */
@HubDeployment(config = {"switchboard.security.demo-issuer=enabled", "switchboard.security.anonymous=false"})
class DemoReconnectBrowserIT extends DeployedHub {

    /** From start-domain's return to both pages caught up: the page's backoff is capped at 15 s. */
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    private final Chromium chromium = new Chromium();
    private final ItDomain domain = new ItDomain();

    @AfterEach
    void cleanUp() throws Exception {
        chromium.close();
        domain.ensureRunning(base);
    }

    @Test
    void twoUsersChatAcrossARestartOfTheHub() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String channel = "restart." + run;
        WebDriver browser = chromium.open();
        DemoPage alice = DemoPage.open(base, "alice", browser, false);
        DemoPage bob = DemoPage.open(base, "bob", browser, true);
        alice.signIn("alice-demo");
        bob.signIn("bob-demo");

        // alice writes before bob joins: bob's page shows it as the channel's recent history
        alice.join(channel);
        String early1 = "before bob came " + run;
        String early2 = "still before bob " + run;
        alice.say(early1);
        alice.awaitMessage(early1);
        alice.say(early2);
        alice.awaitMessage(early2);
        bob.join(channel);
        assertThat(bob.awaitMessage(early2).getAttribute("class")).contains("earlier");
        assertThat(bob.messageTexts()).containsExactly(early1, early2);
        assertThat(text(bob.focus().findElement(By.cssSelector("#messages .notice")))).isEqualTo("2 earlier messages");
        bob.awaitPresence(List.of("alice", "bob"));

        String hello = "hello alice " + run;
        bob.say(hello);
        alice.awaitMessage(hello);
        String answer = "hi bob " + run;
        alice.say(answer);
        bob.awaitMessage(answer);

        // the hub goes away
        Duration stop = domain.stop();
        String aliceDown = Conversation.awaitReconnecting(alice, DemoPage.WAIT);
        String bobDown = Conversation.awaitReconnecting(bob, DemoPage.WAIT);
        String offlineAlice = "typed by alice while the hub was down " + run;
        String offlineBob = "typed by bob while the hub was down " + run;
        Conversation.typeOffline(alice, offlineAlice);
        Conversation.typeOffline(bob, offlineBob);

        // and comes back; the pages reconnect on their own
        Duration start = domain.start(base);
        long t0 = System.nanoTime();
        Conversation.awaitDelivered(CATCH_UP, List.of(offlineAlice, offlineBob), alice, bob);
        Duration caughtUp = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("[DemoReconnectBrowserIT] stop-domain %d ms, start-domain until the page answers %d ms, "
                        + "pages caught up %d ms later; while down: alice '%s', bob '%s'%n",
                stop.toMillis(), start.toMillis(), caughtUp.toMillis(), aliceDown, bobDown);

        // live again, both ways
        String after = "after the restart " + run;
        bob.say(after);
        alice.awaitMessage(after);
        bob.awaitMessage(after);

        Conversation.assertSameConversation(List.of(early1, early2, hello, answer, offlineAlice, offlineBob, after),
                List.of(early1, early2, hello, answer), alice, bob);
        assertThat(alice.messageTexts().subList(4, 7)).as("what was typed offline precedes what was said after")
                .containsExactlyInAnyOrder(offlineAlice, offlineBob, after).endsWith(after);
        for (DemoPage page : List.of(alice, bob)) {
            assertThat(page.focus().findElements(By.cssSelector("#messages .notice")).stream().map(DemoPage::text))
                    .as("%s was told it reconnected", page.who()).contains("reconnected");
            assertThat(text(page.find("whoami"))).as("still signed in, no reload").isEqualTo(page.who());
        }
        alice.awaitPresence(List.of("alice", "bob"));
        bob.awaitPresence(List.of("alice", "bob"));
    }
}
