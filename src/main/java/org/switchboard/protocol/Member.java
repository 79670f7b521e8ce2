package org.switchboard.protocol;

/** Who a connection is, as other clients see it: its connection id and display name. */
public record Member(String connection, String name) {
}
