package org.switchboard.protocol;

/**
 * Who a connection is, as other clients see it: its connection id, display name and the
 * authenticated subject ({@code user}; null for an anonymous connection, and then left off the wire).
 */
public record Member(String connection, String name, String user) {

    public Member(String connection, String name) {
        this(connection, name, null);
    }
}
