package org.switchboard.protocol;

import jakarta.websocket.CloseReason;

/**
 * WebSocket close codes the hub uses. Standard codes come from RFC 6455; the 4xxx codes are
 * Switchboard's own and are documented in docs/protocol.md.
 */
public final class CloseCodes {
    /** RFC 6455: a message over the size limit. */
    public static final int TOO_BIG = 1009;
    /** The client's send queue overflowed because it did not read fast enough. */
    public static final int SLOW_CONSUMER = 4001;
    /** The client stopped answering the hub's pings. */
    public static final int HEARTBEAT_TIMEOUT = 4002;
    /** The connection's token expired and was not refreshed in time. */
    public static final int TOKEN_EXPIRED = 4003;
    /** The client stopped sending in the middle of a frame or a fragmented message. */
    public static final int INPUT_TIMEOUT = 4004;
    /** An administrator ended the connection; the client may reconnect (with backoff). */
    public static final int DISCONNECTED_BY_ADMIN = 4005;
    /** RFC 6455 / IANA: the member is draining (redeploy, shutdown, an operator's drain): reconnect, to another member. */
    public static final int SERVICE_RESTART = 1012;

    private CloseCodes() {
    }

    public static CloseReason slowConsumer() {
        return reason(SLOW_CONSUMER, "slow consumer: send queue overflow");
    }

    public static CloseReason heartbeatTimeout() {
        return reason(HEARTBEAT_TIMEOUT, "heartbeat timeout");
    }

    public static CloseReason tokenExpired() {
        return reason(TOKEN_EXPIRED, "token expired");
    }

    public static CloseReason inputTimeout(long timeoutMs) {
        return reason(INPUT_TIMEOUT, "input timeout: frame incomplete after " + timeoutMs + " ms");
    }

    /** The answer to a frame {@link InboundFrames} refused: 1002 or 1009 with its reason. */
    public static CloseReason refusedFrame(InboundFrames.Violation violation) {
        return reason(violation.closeCode(), violation.reason());
    }

    /** A message over the configured size, found after decoding (when frames are not inspected). */
    public static CloseReason tooBig(int maxMessageBytes) {
        return reason(TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
    }

    public static CloseReason serviceRestart() {
        return reason(SERVICE_RESTART, "service restart: reconnect, to another member");
    }

    public static CloseReason disconnectedByAdmin() {
        return reason(DISCONNECTED_BY_ADMIN, "disconnected by an administrator");
    }

    public static CloseReason goingAway() {
        return new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
    }

    public static CloseReason internalError() {
        return new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "internal error");
    }

    private static CloseReason reason(int code, String phrase) {
        return new CloseReason(CloseReason.CloseCodes.getCloseCode(code), phrase);
    }
}
