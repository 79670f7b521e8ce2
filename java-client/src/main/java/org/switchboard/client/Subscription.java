package org.switchboard.client;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One channel subscription that outlives connections: it keeps the position of the last message
 * it delivered and, on every new connection, subscribes again {@code since} it, so missed messages
 * come first and none twice. A gap seen on a live connection is filled from history before the
 * message after it. Its state is touched only on the client's thread.
 */
public final class Subscription {

    private final Requests client;
    private final String channel;
    private final SubscriptionListener listener;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Position position;
    private Boolean liveOnly;
    private boolean started;
    private boolean ended;
    private int generation = -1;
    /** Messages held back while a gap is fetched from history. */
    private List<Message> held;

    Subscription(Requests client, String channel, Position since, SubscriptionListener listener) {
        this.client = client;
        this.channel = channel;
        this.position = since;
        this.listener = listener;
    }

    public String channel() {
        return channel;
    }

    /** The last message delivered (or where the subscription started); null before the first reply without one. */
    public Position position() {
        return position;
    }

    /** Completes when the hub first confirmed the subscription; fails if it refused it. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Ends the subscription (and tells the hub when connected). */
    public CompletableFuture<Void> unsubscribe() {
        return client.unsubscribe(this);
    }

    void start(int connection) {
        if (ended || generation == connection) {
            return;
        }
        generation = connection;
        held = null;
        boolean resumed = started;
        JsonObjectBuilder fields = Json.createObjectBuilder().add("channel", channel);
        Position p = position;
        if (p != null && !Boolean.TRUE.equals(liveOnly)) {
            fields.add("since", Json.createObjectBuilder().add("epoch", p.epoch()).add("seq", p.seq()));
        }
        client.call("subscribe", fields, (error, reply) -> {
            if (generation != connection || ended) {
                return;
            }
            if (error != null) {
                if (!"disconnected".equals(error.code())) {
                    listener.error(error);
                    end(error);
                }
                return;
            }
            subscribed(reply.getJsonObject("data"), resumed);
        });
    }

    private void subscribed(JsonObject data, boolean resumed) {
        boolean hasPosition = data.get("epoch") instanceof JsonNumber && data.get("seq") instanceof JsonNumber;
        Position from = position;
        Boolean recovered = data.containsKey("recovered") ? data.getBoolean("recovered") : null;
        if (hasPosition) {
            liveOnly = false;
        } else if (recovered == null) {
            liveOnly = true;
        }
        started = true;
        if (Boolean.FALSE.equals(recovered)) {
            listener.unrecovered(new Unrecovered(hasPosition ? "gone" : "unavailable", from,
                    data.get("earliest") instanceof JsonNumber n ? n.longValue() : null,
                    hasPosition ? data.getJsonNumber("epoch").longValue() : null));
            if (hasPosition) {
                position = new Position(data.getJsonNumber("epoch").longValue(), data.getJsonNumber("seq").longValue());
            }
        } else if (hasPosition && position == null) {
            position = new Position(data.getJsonNumber("epoch").longValue(), data.getJsonNumber("seq").longValue());
        } else if (Boolean.TRUE.equals(liveOnly) && resumed) {
            listener.unrecovered(new Unrecovered("live-only", from, null, null));
        }
        listener.subscribed(resumed, recovered);
        ready.complete(null);
    }

    void message(Message m) {
        if (ended) {
            return;
        }
        if (held != null) {
            held.add(m);
            return;
        }
        Position p = position;
        if (p != null && m.epoch() == p.epoch() && m.seq() > p.seq() + 1) {
            if (Boolean.TRUE.equals(liveOnly)) {
                listener.unrecovered(new Unrecovered("live-only", p, null, m.epoch()));
            } else {
                held = new ArrayList<>(List.of(m));
                fillGap(generation, m.seq() - 1);
                return;
            }
        }
        deliver(m);
    }

    void presence(String type, JsonObject member) {
        if (!ended) {
            if ("join".equals(type)) {
                listener.join(member);
            } else {
                listener.leave(member);
            }
        }
    }

    /** The connection ended: the next one resumes from the position. */
    void disconnected() {
        held = null;
        generation = -1;
    }

    void end(SwitchboardException cause) {
        if (ended) {
            return;
        }
        ended = true;
        held = null;
        client.forget(this);
        ready.completeExceptionally(cause);
    }

    private void deliver(Message m) {
        Position p = position;
        if (p != null && p.covers(m.epoch(), m.seq())) {
            return;
        }
        position = m.position();
        listener.message(m);
    }

    /** Fetches history pages after the position up to {@code upTo}, then lets the held messages through. */
    private void fillGap(int connection, long upTo) {
        Position after = position;
        if (after == null || after.seq() >= upTo) {
            release(connection);
            return;
        }
        JsonObjectBuilder fields = Json.createObjectBuilder().add("channel", channel)
                .add("after", Json.createObjectBuilder().add("epoch", after.epoch()).add("seq", after.seq()))
                .add("limit", (int) Math.min(SwitchboardClient.HISTORY_PAGE, upTo - after.seq()));
        client.call("history", fields, (error, frame) -> {
            if (generation != connection || ended) {
                return;
            }
            if (error != null) {
                if ("disconnected".equals(error.code())) {
                    return; // the resume of the next connection covers it
                }
                if ("no_history".equals(error.code())) {
                    liveOnly = true;
                }
                listener.unrecovered(new Unrecovered("no_history".equals(error.code()) ? "live-only" : "unavailable", position, null, null));
                release(connection);
                return;
            }
            JsonObject data = frame.getJsonObject("data");
            long epoch = data.getJsonNumber("epoch").longValue();
            long earliest = data.getJsonNumber("earliest").longValue();
            List<Message> page = new ArrayList<>();
            for (JsonValue v : data.getJsonArray("messages")) {
                Message m = Message.of(v.asJsonObject());
                if (m.epoch() == after.epoch() && m.seq() <= upTo) {
                    page.add(m);
                }
            }
            boolean lost = epoch != after.epoch() || earliest > after.seq() + 1 || page.isEmpty();
            if (lost) {
                listener.unrecovered(new Unrecovered("gone", after, earliest, epoch));
            }
            page.forEach(this::deliver);
            if (lost) {
                release(connection);
            } else {
                fillGap(connection, upTo);
            }
        });
    }

    private void release(int connection) {
        if (generation != connection || ended || held == null) {
            return;
        }
        List<Message> waiting = held;
        held = null;
        // the gap is filled or reported: the message after it goes through without a second fetch
        deliver(waiting.get(0));
        for (Message m : waiting.subList(1, waiting.size())) {
            message(m);
        }
    }
}
