package org.switchboard.security;

/**
 * Who is on the other end of a connection. Today a self-chosen display name; authentication
 * adds a verified subject and roles without changing the code that uses identities.
 */
public record Identity(String name, boolean authenticated) {
}
