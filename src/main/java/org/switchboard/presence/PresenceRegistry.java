package org.switchboard.presence;

import org.switchboard.protocol.Member;

import java.util.List;

/**
 * Who is present on each channel. A connection is present while subscribed. The single-member
 * implementation keeps it in memory; the cluster implementation keeps it in Payara's data grid so
 * every member answers the same list — callers do not change.
 */
public interface PresenceRegistry {

    /** Records the member; false if it was already present. */
    boolean join(String channel, Member member);

    /** Removes the member; false if it was not present. */
    boolean leave(String channel, Member member);

    List<Member> members(String channel);
}
