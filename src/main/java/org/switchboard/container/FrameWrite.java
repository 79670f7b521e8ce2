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

    /** Whether {@link #write} takes any server frame (a close frame too), not only text frames. */
    default boolean writesAnyFrame() {
        return false;
    }
}
