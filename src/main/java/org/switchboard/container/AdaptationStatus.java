package org.switchboard.container;

import java.util.Locale;

/**
 * What became of one container adaptation when it was resolved at start: {@code active}, a
 * {@code fallback} to the plain API (the container's internals were not as expected, or a
 * prerequisite is missing) or {@code off} by configuration. Operators read it in the start-up log
 * line, the readiness check's data and the {@code switchboard_container_adaptations} metric.
 */
public record AdaptationStatus(String name, State state, String reason) {

    public enum State {
        ACTIVE, FALLBACK, OFF;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static AdaptationStatus active(String name) {
        return new AdaptationStatus(name, State.ACTIVE, null);
    }

    public static AdaptationStatus fallback(String name, String reason) {
        return new AdaptationStatus(name, State.FALLBACK, reason);
    }

    public static AdaptationStatus off(String name) {
        return new AdaptationStatus(name, State.OFF, AdaptationSwitch.KEY);
    }

    /** The state, and why when it is not active: {@code fallback: <reason>}. */
    public String describe() {
        return reason == null ? state.label() : state.label() + ": " + reason;
    }
}
