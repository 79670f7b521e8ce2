package org.switchboard.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The {@code data} of the {@code welcome} envelope: who the connection is (display name, authenticated
 * subject {@code user}, when its credential expires) and the limits it must keep.
 */
@JsonbPropertyOrder({"protocol", "connection", "name", "user", "expiresAt", "heartbeatMs", "limits"})
public record Welcome(String protocol, String connection, String name, String user, Long expiresAt, long heartbeatMs,
                      Limits limits) {

    @JsonbPropertyOrder({"maxMessageBytes", "maxSubscriptions", "maxChannelLength", "channelPattern", "sendQueue",
            "publishPerSecond"})
    public record Limits(int maxMessageBytes, int maxSubscriptions, int maxChannelLength, String channelPattern,
                         int sendQueue, int publishPerSecond) {
    }
}
