package org.switchboard.it.support;

import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a real client does when its member dies: it reconnects to the next member in its list and
 * subscribes again to its channels. (The browser library will do this with backoff; the test
 * only needs the behaviour.)
 */
public final class ReconnectingHubClient implements AutoCloseable {

    private final List<URL> members;
    private final String name;
    private final Set<String> channels = new LinkedHashSet<>();
    private final List<URL> history = new ArrayList<>();
    private HubClient current;
    private int index;

    public ReconnectingHubClient(List<URL> members, String name) {
        this.members = members;
        this.name = name;
        connect();
    }

    public HubClient current() {
        return current;
    }

    public URL connectedTo() {
        return history.get(history.size() - 1);
    }

    public void subscribe(String channel) {
        channels.add(channel);
        current.subscribe(channel);
    }

    /** Waits for the current connection to end, then reconnects to the next reachable member. */
    public int awaitDropAndReconnect() {
        int code;
        try {
            code = current.awaitClose();
        } catch (RuntimeException abnormal) {
            code = 1006;
        }
        current.close();
        index++;
        connect();
        return code;
    }

    private void connect() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < members.size(); attempt++) {
            URL member = members.get((index + attempt) % members.size());
            try {
                current = HubClient.connect(member, name);
                index = (index + attempt) % members.size();
                history.add(member);
                for (String channel : channels) {
                    current.subscribe(channel);
                }
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new AssertionError("no member reachable", last);
    }

    @Override
    public void close() {
        current.close();
    }
}
