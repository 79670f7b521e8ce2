package org.switchboard.ingress;

/**
 * One publication from a back end, before it is checked.
 *
 * @param channel the channel's name
 * @param dataJson the message's {@code data} as compact JSON text; null when absent
 * @param key the idempotency key; null when none
 */
public record Publication(String channel, String dataJson, String key) {
}
