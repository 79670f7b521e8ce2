package org.switchboard.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Client-to-server envelope types of protocol v1, with the fields each one needs. */
public enum RequestType {
    SUBSCRIBE("subscribe", true, false),
    UNSUBSCRIBE("unsubscribe", true, false),
    PUBLISH("publish", true, true),
    PRESENCE("presence", true, false),
    PING("ping", false, false),
    HISTORY("history", true, false),
    REFRESH("refresh", false, false);

    private static final Map<String, RequestType> BY_WIRE = new HashMap<>();

    static {
        for (RequestType type : values()) {
            BY_WIRE.put(type.wire, type);
        }
    }

    private final String wire;
    private final boolean needsChannel;
    private final boolean needsData;

    RequestType(String wire, boolean needsChannel, boolean needsData) {
        this.wire = wire;
        this.needsChannel = needsChannel;
        this.needsData = needsData;
    }

    public String wire() {
        return wire;
    }

    public boolean needsChannel() {
        return needsChannel;
    }

    public boolean needsData() {
        return needsData;
    }

    public static Optional<RequestType> fromWire(String wire) {
        return Optional.ofNullable(BY_WIRE.get(wire));
    }

}
