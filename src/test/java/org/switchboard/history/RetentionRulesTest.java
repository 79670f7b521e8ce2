package org.switchboard.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Which channels keep history, and how much: switchboard.history.* as {@link RetentionRules} reads it. */
class RetentionRulesTest {

    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    @Test
    void withoutRulesEveryChannelKeepsTheDefault() {
        RetentionRules rules = RetentionRules.parse(true, 1000, "24h", " ");
        assertThat(rules.of("lobby")).isEqualTo(new Retention.Rule(1000, DAY));
        assertThat(rules.of("a.b:c-d")).isEqualTo(new Retention.Rule(1000, DAY));
        assertThat(rules.keepsHistory("lobby")).isTrue();

        assertThat(RetentionRules.parse(true, 7, "90s", null).of("x")).isEqualTo(new Retention.Rule(7, 90 * SECOND));
        assertThat(RetentionRules.parse(true, 7, "90s", " , ,").of("x")).isEqualTo(new Retention.Rule(7, 90 * SECOND));
    }

    @Test
    void theFirstMatchingRuleWinsAndOtherChannelsKeepTheDefault() {
        RetentionRules rules = RetentionRules.parse(true, 1000, "24h",
                "cursor.*=live, short.*=3/1h, short.special=50/5m, *.audit=100000/30d");

        assertThat(rules.of("cursor.x")).isNull();
        assertThat(rules.keepsHistory("cursor.x")).isFalse();
        // the earlier, wider rule wins over a later exact one
        assertThat(rules.of("short.special")).isEqualTo(new Retention.Rule(3, HOUR));
        assertThat(rules.of("short.a")).isEqualTo(new Retention.Rule(3, HOUR));
        assertThat(rules.of("orders.audit")).isEqualTo(new Retention.Rule(100_000, 30 * DAY));
        // cursor.* comes first, so this audit channel is live-only
        assertThat(rules.of("cursor.audit")).isNull();
        assertThat(rules.of("lobby")).isEqualTo(new Retention.Rule(1000, DAY));
        // asking again (the cached answer) gives the same
        assertThat(rules.of("cursor.x")).isNull();
        assertThat(rules.of("short.a")).isEqualTo(new Retention.Rule(3, HOUR));
    }

    @Test
    void aPatternMatchesTheWholeNameAndOnlyStarIsSpecial() {
        RetentionRules rules = RetentionRules.parse(true, 1000, "24h", "short.*=3/1h, a*b=live, (x)+=live");
        // the dot is a dot, not "any character"; the pattern must match the whole name
        assertThat(rules.of("shortcut")).isEqualTo(new Retention.Rule(1000, DAY));
        assertThat(rules.of("my.short.x")).isEqualTo(new Retention.Rule(1000, DAY));
        assertThat(rules.of("short.")).isEqualTo(new Retention.Rule(3, HOUR));
        assertThat(rules.of("ab")).isNull();
        assertThat(rules.of("a-x-b")).isNull();
        assertThat(rules.of("abc")).isEqualTo(new Retention.Rule(1000, DAY));
        assertThat(rules.of("(x)+")).isNull();
        assertThat(rules.of("xx")).isEqualTo(new Retention.Rule(1000, DAY));
    }

    @Test
    void liveOnlyChannelsKeepNothing() {
        RetentionRules rules = RetentionRules.parse(true, 1000, "24h", "live.*=live,*.typing=live");
        assertThat(rules.of("live.cursor")).isNull();
        assertThat(rules.of("room.typing")).isNull();
        assertThat(rules.keepsHistory("room.typing")).isFalse();
        assertThat(rules.keepsHistory("room")).isTrue();
    }

    @Test
    void disabledHistoryMakesEveryChannelLiveOnly() {
        RetentionRules rules = RetentionRules.parse(false, 1000, "24h", "short.*=3/1h");
        assertThat(rules.of("short.a")).isNull();
        assertThat(rules.of("lobby")).isNull();
        assertThat(rules.keepsHistory("lobby")).isFalse();
    }

    @Test
    void agesTakeSecondsMinutesHoursDaysOrIso8601() {
        assertThat(RetentionRules.age("90s")).isEqualTo(90 * SECOND);
        assertThat(RetentionRules.age("15m")).isEqualTo(15 * MINUTE);
        assertThat(RetentionRules.age("24h")).isEqualTo(24 * HOUR);
        assertThat(RetentionRules.age("7d")).isEqualTo(7 * DAY);
        assertThat(RetentionRules.age("2H")).isEqualTo(2 * HOUR);
        assertThat(RetentionRules.age(" 3d ")).isEqualTo(3 * DAY);
        assertThat(RetentionRules.age("PT36H")).isEqualTo(36 * HOUR);
        assertThat(RetentionRules.age("P2D")).isEqualTo(2 * DAY);
        assertThat(RetentionRules.age("PT1M30S")).isEqualTo(90 * SECOND);

        RetentionRules rules = RetentionRules.parse(true, 1000, "PT12H", "a=1/45s, b=2/15m, c=3/2h, d=4/7d, e=5/PT36H, f = 6 / 10m ");
        assertThat(rules.of("a")).isEqualTo(new Retention.Rule(1, 45 * SECOND));
        assertThat(rules.of("b")).isEqualTo(new Retention.Rule(2, 15 * MINUTE));
        assertThat(rules.of("c")).isEqualTo(new Retention.Rule(3, 2 * HOUR));
        assertThat(rules.of("d")).isEqualTo(new Retention.Rule(4, 7 * DAY));
        assertThat(rules.of("e")).isEqualTo(new Retention.Rule(5, 36 * HOUR));
        assertThat(rules.of("f")).isEqualTo(new Retention.Rule(6, 10 * MINUTE));
        assertThat(rules.of("other")).isEqualTo(new Retention.Rule(1000, 12 * HOUR));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lobby", "=live", "x=", "x=3", "x=/1h", "x=0/1h", "x=-1/1h", "x=abc/1h",
            "x=3/1.5h", "x=Live"})
    void aRuleThatCannotBeReadIsRejectedNamingTheRule(String rule) {
        assertThatThrownBy(() -> RetentionRules.parse(true, 1000, "24h", "ok.*=live, " + rule))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + rule + "'");
    }

    /** The documented contract: "@throws IllegalArgumentException naming the rule that cannot be read". */
    @ParameterizedTest
    @ValueSource(strings = {"x=3/1y", "x=3/10", "x=3/", "x=3/h"})
    void anAgeWithoutAKnownUnitIsRejectedNamingTheRule(String rule) {
        assertThatThrownBy(() -> RetentionRules.parse(true, 1000, "24h", "ok.*=live, " + rule))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + rule + "'");
    }

    /** An unreadable ISO-8601 age must be the same IllegalArgumentException as any other unreadable rule. */
    @ParameterizedTest
    @ValueSource(strings = {"x=3/PT", "x=3/P1M", "x=3/Pfoo"})
    void anIsoAgeThatCannotBeReadIsRejectedNamingTheRule(String rule) {
        Throwable thrown = catchThrowable(() -> RetentionRules.parse(true, 1000, "24h", rule));
        assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + rule + "'");
    }

    /** At least 1 message must be kept; an age below zero would keep nothing just the same (every message is older). */
    @ParameterizedTest
    @ValueSource(strings = {"x=3/-1h", "x=3/PT-1H"})
    void aNegativeAgeIsRejected(String rule) {
        assertThatThrownBy(() -> RetentionRules.parse(true, 1000, "24h", rule))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + rule + "'");
    }
}
