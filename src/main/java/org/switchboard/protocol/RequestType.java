package org.switchboard.protocol;

import java.util.Arrays;
import java.util.Optional;

/** Client-to-server frame types of protocol v1, with the fields each one needs. */
public enum RequestType {
    SUBSCRIBE("subscribe", true, false),
    UNSUBSCRIBE("unsubscribe", true, false),
    PUBLISH("publish", true, true),
    PRESENCE("presence", true, false),
    PING("ping", false, false);

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
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }
}
