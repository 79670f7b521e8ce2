package org.switchboard.client;

import java.util.Set;

/**
 * A failure with the hub's error code ({@code forbidden}, {@code rate_limited}, {@code unavailable},
 * {@code too_big}, …; protocol.md) or the client's own ({@code disconnected}, {@code closed},
 * {@code queue_full}, {@code token_unavailable}). {@link #retryable()} says whether the same call,
 * later and with the same key, can succeed.
 */
public final class SwitchboardException extends RuntimeException {

    private static final Set<String> RETRYABLE = Set.of("unavailable", "rate_limited", "timeout", "disconnected");

    private final String code;

    public SwitchboardException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return RETRYABLE.contains(code);
    }
}
