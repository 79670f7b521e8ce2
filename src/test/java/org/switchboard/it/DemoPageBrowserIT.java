package org.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.switchboard.it.support.DemoPage.text;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.switchboard.it.support.Chromium;
import org.switchboard.it.support.DemoPage;

/**
 * Drives the demo page (src/main/webapp/index.html) in real headless Chromium against the deployed
 * hub, signed in through the demo token issuer with the realm users of server-config/realm-users.sh
 * (created in the IT domain by create-local-domain.sh, REALM_USERS=true in pom.xml):
 * alice and bob sign in in two TABS of one browser (the token is tab-scoped), chat on the restricted
 * channel {@value #RESTRICTED} and see each other present; carol (group switchboard-guest) signs in in
 * another browser and is refused there with {@code forbidden}, while alice and bob go on chatting.
 */
@HubDeployment(config = {"switchboard.security.demo-issuer=enabled", "switchboard.security.anonymous=false"})
class DemoPageBrowserIT extends DeployedHub {

    /** Shipped rule: {@code restricted.**} only for role/group switchboard-user (alice, bob; not carol). */
    private static final String RESTRICTED = "restricted.ops";

    private final Chromium chromium = new Chromium();

    @AfterEach
    void quitBrowsers() {
        chromium.close();
    }

    @Test
    void twoUsersInTwoTabsChatOnARestrictedChannelWhereCarolIsRefused() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        WebDriver browser = chromium.open();
        DemoPage alice = DemoPage.open(base, "alice", browser, false);
        DemoPage bob = DemoPage.open(base, "bob", browser, true);

        alice.signIn("alice-demo");
        bob.signIn("bob-demo");
        // one browser, two tabs, two users: the sign-in of bob's tab did not change alice's
        assertThat(text(alice.find("whoami"))).isEqualTo("alice");
        assertThat(text(bob.find("whoami"))).isEqualTo("bob");

        alice.join(RESTRICTED);
        bob.join(RESTRICTED);
        // who the hub says they are (welcome.data.user), next to the connection
        assertThat(text(alice.find("whoami-detail"))).contains("user alice", "connection ");
        assertThat(text(bob.find("whoami-detail"))).contains("user bob", "connection ");

        // Each sees both members, each name exactly once (one connection each).
        bob.awaitPresence(List.of("alice", "bob"));
        alice.awaitPresence(List.of("alice", "bob"));

        // alice sends with Enter; the text carries markup to prove it is shown as text.
        String fromAlice = "hello bob <b>&amp;</b> \u00fcn\u00efc\u00f6de " + run;
        alice.say(fromAlice);

        WebElement atBob = bob.awaitMessage(fromAlice);
        assertThat(text(atBob.findElement(By.cssSelector(".from")))).isEqualTo("alice");
        assertThat(atBob.getAttribute("class")).doesNotContain("own");
        assertThat(atBob.findElements(By.tagName("b"))).as("user text must not be parsed as HTML").isEmpty();

        WebElement atAlice = alice.awaitMessage(fromAlice);
        assertThat(atAlice.getAttribute("class")).as("own message is marked").contains("own");
        new WebDriverWait(alice.focus(), DemoPage.WAIT).until(d -> d.findElement(By.id("text")).getDomProperty("value").isEmpty());

        // bob answers with the Send button.
        String fromBob = "hi alice from " + run;
        bob.find("text").sendKeys(fromBob);
        bob.find("send").click();

        WebElement bobAtAlice = alice.awaitMessage(fromBob);
        assertThat(text(bobAtAlice.findElement(By.cssSelector(".from")))).isEqualTo("bob");
        assertThat(bobAtAlice.getAttribute("class")).doesNotContain("own");
        assertThat(bob.awaitMessage(fromBob).getAttribute("class")).contains("own");

        // carol, without the role, in a browser of her own: signed in, connected, refused on the channel.
        DemoPage carol = DemoPage.open(base, "carol", chromium.open(), false);
        carol.signIn("carol-demo");
        carol.submitJoin(RESTRICTED);
        WebElement refusal = new WebDriverWait(carol.focus(), DemoPage.WAIT)
                .withMessage(() -> "carol's page shows no forbidden refusal; " + carol.describe())
                .until(d -> d.findElements(By.cssSelector("#messages .notice.problem[data-code='forbidden']")).stream()
                        .findFirst().orElse(null));
        assertThat(text(refusal)).contains("forbidden", "subscribe", RESTRICTED);
        WebElement carolStatus = carol.find("status");
        assertThat(carolStatus.getDomAttribute("data-state")).isEqualTo("error");
        assertThat(text(carolStatus)).contains("connected as carol", "not allowed on #" + RESTRICTED, "forbidden");
        assertThat(carol.find("send").isEnabled()).as("carol cannot write there").isFalse();

        // alice and bob go on chatting there; carol is not present and receives nothing.
        String again = "still just us, " + run;
        alice.say(again);
        bob.awaitMessage(again);
        assertThat(alice.presence()).containsExactly("alice", "bob");
        assertThat(carol.focus().findElements(By.cssSelector("#messages .msg"))).as("carol sees no message").isEmpty();
        assertThat(carol.presence()).isEmpty();

        // bob leaves: alice's presence panel drops him, bob's page goes offline (still signed in).
        bob.find("leave").click();
        alice.awaitPresence(List.of("alice"));
        new WebDriverWait(bob.focus(), DemoPage.WAIT)
                .withMessage(() -> "bob's page did not go offline; " + bob.describe())
                .until(d -> !"connected".equals(d.findElement(By.id("status")).getDomAttribute("data-state"))
                        && d.findElements(By.cssSelector("#presence li")).isEmpty()
                        && d.findElement(By.id("join")).isEnabled());

        assertThat(Chromium.consoleErrors(browser)).as("browser console errors (alice, bob)").isEmpty();
        assertThat(Chromium.consoleErrors(carol.driver())).as("browser console errors (carol)").isEmpty();
    }

    @Test
    void aWrongPasswordSignsNobodyIn() {
        DemoPage page = DemoPage.open(base, "alice", chromium.open(), false);
        page.find("password").sendKeys("not-alice-demo");
        page.find("signin").click();
        new WebDriverWait(page.driver(), DemoPage.WAIT)
                .withMessage(() -> "no sign-in failure shown; " + page.describe())
                .until(d -> "error".equals(d.findElement(By.id("status")).getDomAttribute("data-state")));
        assertThat(text(page.find("status"))).contains("sign-in failed", "wrong user name or password");
        assertThat(page.find("identity").isDisplayed()).isFalse();
        assertThat(page.find("join").isEnabled()).as("join needs a sign-in").isFalse();
        assertThat(page.storedSession()).as("no token kept").isNull();
        // the form is usable again for the next attempt
        assertThat(page.find("signin").isEnabled()).isTrue();
    }
}
