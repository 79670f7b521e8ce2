package org.switchboard.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.DemoPage.text;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.switchboard.it.support.Chromium;
import org.switchboard.it.support.Conversation;
import org.switchboard.it.support.DemoPage;

/**
 * The demo page (on the client library) moves to another cluster member when its own dies, without
 * a page reload; run by {@link HistoryClusterIT} on its cluster, which is made like the cluster demo
 * ({@code DEMO=true}: the demo issuer on, every member signing with the DAS domain's key file, the
 * members accepting each other's pages). alice's page is loaded from member 1 and bob's from member
 * 2, each with {@code ?hub=} listing both members, its own first; they chat on a channel with
 * history. Member 1 hangs (SIGSTOP) while alice types, so her message stays unacknowledged, and is
 * then killed (kill -9, as ClusterIT does); alice's page reconnects to member 2 with the token
 * member 1 gave her, resumes the channel and sends what was not acknowledged. Afterwards both pages
 * show every acknowledged message exactly once, in the same order. Leaves member 1 dead.
 */
final class DemoFailover implements AutoCloseable {

    /** Member loss to caught up: Hazelcast failure detection, a sequencer takeover (~6 s), the page's backoff. */
    private static final Duration CATCH_UP = Duration.ofSeconds(90);

    private final LocalCluster cluster;
    private final Chromium chromium = new Chromium();

    DemoFailover(LocalCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void close() {
        chromium.close();
    }

    void alicesPageMovesToTheOtherMemberWhenHersIsKilled() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String channel = "failover." + run;
        WebDriver browser = chromium.open();
        DemoPage alice = DemoPage.open(page(1, 2), "alice", browser, false);
        DemoPage bob = DemoPage.open(page(2, 1), "bob", browser, true);
        alice.signIn("alice-demo");
        bob.signIn("bob-demo");

        alice.join(channel);
        String early = "before bob came " + run;
        alice.say(early);
        alice.awaitMessage(early);
        bob.join(channel);
        assertThat(bob.awaitMessage(early).getAttribute("class")).contains("earlier");
        assertThat(text(alice.find("whoami-detail"))).contains("via 127.0.0.1:" + LocalCluster.httpPort(1));
        assertThat(text(bob.find("whoami-detail"))).contains("via 127.0.0.1:" + LocalCluster.httpPort(2));
        alice.awaitPresence(List.of("alice", "bob"));

        String hello = "hello alice, from member 2 " + run;
        bob.say(hello);
        alice.awaitMessage(hello);
        String answer = "hi bob, from member 1 " + run;
        alice.say(answer);
        bob.awaitMessage(answer);

        recordStatus(alice);
        cluster.freeze(1);
        String unanswered = "typed by alice while her member hung " + run;
        alice.say(unanswered);
        assertThat(alice.pendingTexts()).as(alice.describe()).contains(unanswered);
        cluster.kill(1);
        long t0 = System.nanoTime();
        String meanwhile = "typed by alice right after her member died " + run;
        alice.say(meanwhile);

        Conversation.awaitDelivered(CATCH_UP, List.of(unanswered, meanwhile), alice, bob);
        Duration caughtUp = Duration.ofNanos(System.nanoTime() - t0);
        List<String> states = recordedStatus(alice);
        System.out.printf("[DemoFailover] member 1 killed; alice's page caught up on member 2 %d ms later; "
                + "her status meanwhile: %s%n", caughtUp.toMillis(), states);
        assertThat(states).as("alice's status while her member was gone")
                .anyMatch(s -> s.startsWith("reconnecting|reconnecting \u00b7 next attempt in "));
        assertThat(text(alice.find("whoami-detail"))).as("alice's page is on member 2 now")
                .contains("via 127.0.0.1:" + LocalCluster.httpPort(2));

        String after = "after the failover " + run;
        alice.say(after);
        bob.awaitMessage(after);
        alice.awaitMessage(after);

        Conversation.assertSameConversation(List.of(early, hello, answer, unanswered, meanwhile, after),
                List.of(early, hello, answer), alice, bob);
        assertThat(bob.messageTexts().subList(3, 6)).as("what alice typed while away precedes what she said after")
                .containsExactlyInAnyOrder(unanswered, meanwhile, after).endsWith(after);
        assertThat(text(alice.find("whoami"))).as("still signed in, no reload").isEqualTo("alice");
        alice.awaitPresence(List.of("alice", "bob"));
        bob.awaitPresence(List.of("alice", "bob"));
        assertThat(alice.focus().findElements(By.cssSelector("#messages .notice")).stream().map(DemoPage::text))
                .contains("reconnected");
    }

    /** Member {@code own}'s demo page, told about both members, its own first. */
    private String page(int own, int other) {
        String hub = String.join(",", socket(own), socket(other));
        return cluster.member(own).toExternalForm() + "?hub=" + URLEncoder.encode(hub, StandardCharsets.UTF_8);
    }

    private static String socket(int i) {
        return "ws://127.0.0.1:" + LocalCluster.httpPort(i) + "/switchboard/ws";
    }

    /** Keeps every change of the page's status line ("state|text") in {@code window.statusLog}. */
    private static void recordStatus(DemoPage page) {
        ((JavascriptExecutor) page.focus()).executeScript("""
                const status = document.getElementById('status');
                window.statusLog = [];
                const record = () => window.statusLog.push(status.dataset.state + '|' + status.textContent);
                new MutationObserver(record).observe(status, {attributes: true, childList: true, characterData: true, subtree: true});
                record();
                """);
    }

    @SuppressWarnings("unchecked")
    private static List<String> recordedStatus(DemoPage page) {
        return (List<String>) ((JavascriptExecutor) page.focus()).executeScript("return window.statusLog;");
    }
}
