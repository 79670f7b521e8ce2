package org.switchboard.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.Test;
import org.switchboard.channel.ChannelName;
import org.switchboard.history.RetentionRules;

import java.lang.reflect.Proxy;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up's way through the handshake, and the channels it (and only it) may use. */
class WarmUpPassTest {

    private final WarmUpPass pass = new WarmUpPass();

    @Test
    void onlyTheSecretOfTheOpenPassFromLoopbackIsAdmitted() {
        assertThat(pass.isOpen()).isFalse();
        String secret = pass.open();
        assertThat(pass.isOpen()).isTrue();
        assertThat(pass.admits(request("127.0.0.1", secret))).isTrue();
        assertThat(pass.admits(request("::1", secret))).isTrue();
        assertThat(pass.admits(request("10.1.2.3", secret))).as("from another host").isFalse();
        assertThat(pass.admits(request("127.0.0.1", secret.substring(1) + "0"))).as("a wrong secret").isFalse();
        assertThat(pass.admits(request("127.0.0.1", null))).as("no header").isFalse();
        assertThat(pass.open()).as("a new secret for every warm-up").isNotEqualTo(secret);
        assertThat(pass.admits(request("127.0.0.1", secret))).as("the previous secret").isFalse();
        String current = pass.open();
        pass.close();
        assertThat(pass.isOpen()).isFalse();
        assertThat(pass.admits(request("127.0.0.1", current))).as("after the warm-up").isFalse();
    }

    @Test
    void theWarmUpIdentityUsesWarmUpChannelsOnlyAndNobodyElseDoes() {
        ChannelAuthorizer anyoneAnything = ChannelAuthorizer.of(ChannelRules.parse("** *=anyone"));
        Identity warmUp = WarmUpPass.identity();
        Identity user = new Identity("alice", "Alice", java.util.Set.of(), Map.of(), null, Identity.Source.TOKEN);
        String channel = ChannelName.WARM_UP_PREFIX + "x.1";
        for (ChannelAction action : ChannelAction.values()) {
            assertThat(anyoneAnything.decide(warmUp, action, channel).allowed()).as("warm-up %s on its channel", action).isTrue();
            assertThat(anyoneAnything.decide(warmUp, action, "room").allowed()).as("warm-up %s elsewhere", action).isFalse();
            assertThat(anyoneAnything.decide(user, action, channel).allowed()).as("a user %s on a warm-up channel", action).isFalse();
            assertThat(anyoneAnything.decide(user, action, "room").allowed()).isTrue();
        }
    }

    @Test
    void warmUpChannelsKeepNoHistory() {
        RetentionRules everything = RetentionRules.parse(true, 1000, "24h", "**=5/1h");
        assertThat(everything.of(ChannelName.WARM_UP_PREFIX + "x.1")).isNull();
        assertThat(everything.of("room")).isNotNull();
    }

    private static HttpServletRequest request(String address, String header) {
        HttpServletRequest none = (HttpServletRequest) Proxy.newProxyInstance(WarmUpPassTest.class.getClassLoader(),
                new Class<?>[]{HttpServletRequest.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        return new HttpServletRequestWrapper(none) {
            @Override
            public String getRemoteAddr() {
                return address;
            }

            @Override
            public String getHeader(String name) {
                return WarmUpPass.HEADER.equals(name) ? header : null;
            }
        };
    }
}
