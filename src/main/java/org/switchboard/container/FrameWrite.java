package org.switchboard.container;

/**
 * Puts one complete, unmasked WebSocket text frame on a connection's socket without blocking.
 * The frame is shared by every recipient and must not be modified.
 */
public interface FrameWrite {

    /** Told once the frame is handed to the socket, or why it failed. */
    @FunctionalInterface
    interface Done {
        /** {@code error} is null on success. */
        void written(Throwable error);
    }

    void write(byte[] frame, Done done);

    /**
     * Whether a frame written now would go straight to the socket rather than wait in the
     * container's own queue, which the container drops when the connection closes. Where this
     * cannot be known, true.
     */
    default boolean writesThrough() {
        return true;
    }
}
