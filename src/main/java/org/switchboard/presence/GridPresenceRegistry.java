package org.switchboard.presence;

import com.hazelcast.multimap.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.cluster.Grid;
import org.switchboard.protocol.Member;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cluster-wide presence in Payara's data grid: a multimap from channel to entries that name the
 * connection, its display name and the grid member holding it, so every member answers the same
 * list and the entries of a member that died can be found and removed. Entries are plain strings.
 * Without a grid it keeps presence in memory.
 */
@ApplicationScoped
public class GridPresenceRegistry implements PresenceRegistry {

    static final String MAP = "switchboard.presence";
    private static final char SEP = '\u0001';

    @Inject
    Grid grid;

    private final LocalPresenceRegistry local = new LocalPresenceRegistry();

    /** A presence entry as stored, with the grid member that holds the connection. */
    public record Entry(String channel, Member member, String holder, String raw) {
    }

    @Override
    public boolean join(String channel, Member member) {
        if (grid.hazelcast().isEmpty()) {
            return local.join(channel, member);
        }
        return map().put(channel, encode(member));
    }

    @Override
    public boolean leave(String channel, Member member) {
        if (grid.hazelcast().isEmpty()) {
            return local.leave(channel, member);
        }
        return map().remove(channel, encode(member));
    }

    @Override
    public List<Member> members(String channel) {
        if (grid.hazelcast().isEmpty()) {
            return local.members(channel);
        }
        Collection<String> raw = map().get(channel);
        return raw.stream().map(r -> decode(channel, r).member())
                .sorted(Comparator.comparing(Member::name).thenComparing(Member::connection))
                .toList();
    }

    /** Entries held by grid members that are not in {@code alive}, or by {@code alsoHolder}. */
    public List<Entry> entriesHeldOutside(Set<String> alive, String alsoHolder) {
        List<Entry> found = new ArrayList<>();
        if (grid.hazelcast().isEmpty()) {
            return found;
        }
        for (Map.Entry<String, String> e : map().entrySet()) {
            Entry entry = decode(e.getKey(), e.getValue());
            if (!alive.contains(entry.holder()) || entry.holder().equals(alsoHolder)) {
                found.add(entry);
            }
        }
        return found;
    }

    /** Removes one stored entry; true if this call removed it. */
    public boolean remove(Entry entry) {
        return grid.hazelcast().isPresent() && map().remove(entry.channel(), entry.raw());
    }

    private MultiMap<String, String> map() {
        return grid.hazelcast().orElseThrow().getMultiMap(MAP);
    }

    private String encode(Member member) {
        return encode(member, grid.memberId());
    }

    static String encode(Member member, String holder) {
        return member.connection() + SEP + member.name() + SEP + (member.user() == null ? "" : member.user())
                + SEP + holder;
    }

    private static Entry decode(String channel, String raw) {
        int a = raw.indexOf(SEP);
        int b = raw.lastIndexOf(SEP);
        int u = raw.lastIndexOf(SEP, b - 1);
        String user = u > a ? raw.substring(u + 1, b) : "";
        String name = raw.substring(a + 1, u > a ? u : b);
        return new Entry(channel, new Member(raw.substring(0, a), name, user.isEmpty() ? null : user), raw.substring(b + 1), raw);
    }
}
