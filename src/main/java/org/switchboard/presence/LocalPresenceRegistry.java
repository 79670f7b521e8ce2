package org.switchboard.presence;

import org.switchboard.protocol.Member;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory presence of one member's connections, per channel: the registry when there is no grid. */
public class LocalPresenceRegistry implements PresenceRegistry {

    private final Map<String, Map<String, Member>> byChannel = new ConcurrentHashMap<>();

    @Override
    public boolean join(String channel, Member member) {
        return byChannel.computeIfAbsent(channel, c -> new ConcurrentHashMap<>())
                .putIfAbsent(member.connection(), member) == null;
    }

    @Override
    public boolean leave(String channel, Member member) {
        boolean[] removed = new boolean[1];
        byChannel.computeIfPresent(channel, (c, members) -> {
            removed[0] = members.remove(member.connection()) != null;
            return members.isEmpty() ? null : members;
        });
        return removed[0];
    }

    @Override
    public List<Member> members(String channel) {
        Map<String, Member> members = byChannel.get(channel);
        if (members == null) {
            return List.of();
        }
        return members.values().stream().sorted(Comparator.comparing(Member::name).thenComparing(Member::connection)).toList();
    }
}
