package org.switchboard.security;

import org.junit.jupiter.api.Test;
import org.switchboard.config.SecuritySettings;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.switchboard.security.ChannelAction.PRESENCE;
import static org.switchboard.security.ChannelAction.PUBLISH;
import static org.switchboard.security.ChannelAction.SUBSCRIBE;

class ChannelRulesTest {

    private static Identity user(String subject, String... groups) {
        return new Identity(subject, subject, Set.of(groups), Map.of("dept", "ops"), null, Identity.Source.TOKEN);
    }

    private static final Identity ANON = Identity.anonymous("guest");

    private static boolean allows(String rules, Identity who, ChannelAction action, String channel) {
        return ChannelRules.parse(rules).decide(who, action, channel).allowed();
    }

    @Test
    void anyoneAdmitsEvenAnonymousAndAuthenticatedDoesNot() {
        assertThat(allows("** *=anyone", ANON, PUBLISH, "a.b")).isTrue();
        assertThat(allows("** *=authenticated", ANON, PUBLISH, "a.b")).isFalse();
        assertThat(allows("** *=authenticated", user("u"), PUBLISH, "a.b")).isTrue();
    }

    @Test
    void nobodyAndUngrantedActionsAreDenied() {
        assertThat(allows("** *=nobody", user("u"), SUBSCRIBE, "x")).isFalse();
        String readOnly = "news.* subscribe,presence=anyone";
        assertThat(allows(readOnly, user("u"), SUBSCRIBE, "news.today")).isTrue();
        assertThat(allows(readOnly, user("u"), PRESENCE, "news.today")).isTrue();
        assertThat(allows(readOnly, user("u"), PUBLISH, "news.today")).isFalse();
    }

    @Test
    void aRoleIsAJwtGroupOrContainerRole() {
        String rules = "ops.** publish=role:ops|role:admin subscribe=authenticated";
        assertThat(allows(rules, user("u", "ops"), PUBLISH, "ops.alerts")).isTrue();
        assertThat(allows(rules, user("u", "admin"), PUBLISH, "ops.alerts")).isTrue();
        assertThat(allows(rules, user("u", "dev"), PUBLISH, "ops.alerts")).isFalse();
        assertThat(allows(rules, user("u", "dev"), SUBSCRIBE, "ops.alerts")).isTrue();
    }

    @Test
    void ownerBindsTheSubjectAGroupOrAClaimFromTheChannelName() {
        assertThat(allows("user.{sub}.** *=owner", user("alice"), SUBSCRIBE, "user.alice.inbox")).isTrue();
        assertThat(allows("user.{sub}.** *=owner", user("bob"), SUBSCRIBE, "user.alice.inbox")).isFalse();
        assertThat(allows("user.{sub}.** *=owner", ANON.named("alice"), SUBSCRIBE, "user.alice.inbox")).isFalse();
        assertThat(allows("team.{group}.** *=owner", user("u", "red"), PUBLISH, "team.red.chat")).isTrue();
        assertThat(allows("team.{group}.** *=owner", user("u", "blue"), PUBLISH, "team.red.chat")).isFalse();
        assertThat(allows("dept.{dept} *=owner", user("u"), SUBSCRIBE, "dept.ops")).isTrue();
        assertThat(allows("dept.{dept} *=owner", user("u"), SUBSCRIBE, "dept.sales")).isFalse();
        assertThat(allows("inbox.{sub} subscribe=owner publish=authenticated", user("bob"), PUBLISH, "inbox.alice")).isTrue();
        assertThat(allows("inbox.{sub} subscribe=owner publish=authenticated", user("bob"), SUBSCRIBE, "inbox.alice")).isFalse();
    }

    @Test
    void theFirstMatchingRuleDecidesAndNoMatchIsDenied() {
        String rules = "secret.** *=nobody; ** *=anyone";
        assertThat(allows(rules, user("u"), SUBSCRIBE, "secret.plans")).isFalse();
        assertThat(allows(rules, user("u"), SUBSCRIBE, "public")).isTrue();
        assertThat(allows("chat.* *=anyone", user("u"), SUBSCRIBE, "other")).isFalse();
        assertThat(ChannelRules.parse("chat.* *=anyone").decide(user("u"), SUBSCRIBE, "other").rule()).isNull();
    }

    @Test
    void patternsMatchWholeSegments() {
        String rules = "a.*.c *=anyone\n# a comment\nb.** *=anyone";
        assertThat(allows(rules, ANON, SUBSCRIBE, "a.x.c")).isTrue();
        assertThat(allows(rules, ANON, SUBSCRIBE, "a.x.y.c")).isFalse();
        assertThat(allows(rules, ANON, SUBSCRIBE, "a.x.cc")).isFalse();
        assertThat(allows(rules, ANON, SUBSCRIBE, "a..c")).isFalse();
        assertThat(allows(rules, ANON, SUBSCRIBE, "b")).as("** needs a segment").isFalse();
        assertThat(allows(rules, ANON, SUBSCRIBE, "b.x.y")).isTrue();
        assertThat(allows(rules, ANON, SUBSCRIBE, "bb.x")).isFalse();
    }

    @Test
    void theShippedRulesParse() {
        assertThat(ChannelRules.parse(SecuritySettings.DEFAULT_RULES).size()).isEqualTo(5);
    }

    @Test
    void rulesThatCannotBeReadAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ChannelRules.parse("chat.*")).hasMessageContaining("at least one grant");
        assertThatThrownBy(() -> ChannelRules.parse("chat.* write=anyone")).hasMessageContaining("unknown action");
        assertThatThrownBy(() -> ChannelRules.parse("chat.* *=everyone")).hasMessageContaining("unknown who");
        assertThatThrownBy(() -> ChannelRules.parse("chat.* *=owner")).hasMessageContaining("placeholder");
        assertThatThrownBy(() -> ChannelRules.parse("**.x *=anyone")).hasMessageContaining("last segment");
        assertThatThrownBy(() -> ChannelRules.parse("a..b *=anyone")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> ChannelRules.parse("a.{b c} *=anyone")).isInstanceOf(IllegalArgumentException.class);
    }
}
