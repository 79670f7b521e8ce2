package org.switchboard.container;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.websocket.Session;
import org.switchboard.protocol.InboundFrames;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.function.Consumer;

/**
 * Interposes on the servlet input stream Tyrus' upgrade handler reads a connection from. The
 * handler reads through its {@code is} field on every {@code onDataAvailable}, after waiting for
 * the connection that {@code onOpen} is part of, so replacing the field from {@code onOpen} covers
 * every byte after the handshake. The handler is reached as {@link TyrusHandshakeRelease} reaches
 * it: through the session's writer and Payara's proxy around the handler.
 */
final class TyrusInboundInspection implements InboundInspection {

    /** {@code TyrusServletWriter.tyrusHttpUpgradeHandler}, the proxy's {@code handler}, and {@code TyrusHttpUpgradeHandler.is}. */
    record Handles(Field upgradeHandler, Field proxiedHandler, Field input) {

        static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> handler = Class.forName("org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler", false, loader);
            Field upgradeHandler = Class.forName("org.glassfish.tyrus.servlet.TyrusServletWriter", false, loader)
                    .getDeclaredField("tyrusHttpUpgradeHandler");
            Field proxied = Class.forName("org.glassfish.tyrus.servlet.TyrusServletUpgrade$TyrusHttpUpgradeHandlerProxy", false, loader)
                    .getDeclaredField("handler");
            Field input = handler.getDeclaredField("is");
            if (input.getType() != Class.forName(ServletInputStream.class.getName(), false, loader)) {
                throw new NoSuchFieldException("TyrusHttpUpgradeHandler.is is a " + input.getType().getName());
            }
            for (Field f : new Field[]{upgradeHandler, proxied, input}) {
                f.setAccessible(true);
            }
            return new Handles(upgradeHandler, proxied, input);
        }
    }

    private final Handles handles;
    private final TyrusFrameWriter.Handles writers;

    TyrusInboundInspection(Handles handles, TyrusFrameWriter.Handles writers) {
        this.handles = handles;
        this.writers = writers;
    }

    @Override
    public boolean install(Session session, InboundFrames frames, Consumer<InboundFrames.Violation> onViolation) {
        Object writer = writers.writerOf(session);
        if (writer == null || !handles.upgradeHandler().getDeclaringClass().isInstance(writer)) {
            return false;
        }
        try {
            Object handler = handles.upgradeHandler().get(writer);
            if (handles.proxiedHandler().getDeclaringClass().isInstance(handler)) {
                Object inner = handles.proxiedHandler().get(handler);
                if (inner != null) {
                    handler = inner;
                }
            }
            if (!(handles.input().get(handler) instanceof ServletInputStream input) || input instanceof Inspected) {
                return false;
            }
            handles.input().set(handler, new Inspected(input, frames, onViolation));
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The container's stream, with every byte read shown to the frame check first. After a
     * violation it passes the bytes before the offending frame, then reads nothing more and
     * reports itself not ready, which ends Tyrus' read loop; it never returns -1, which Tyrus'
     * handler would turn into a 1003 close of its own. The violation is reported when Tyrus next
     * asks, after it has handled those bytes, so their replies are queued ahead of the close.
     */
    private static final class Inspected extends ServletInputStream {
        private final ServletInputStream in;
        private final InboundFrames frames;
        private final Consumer<InboundFrames.Violation> onViolation;
        private final byte[] one = new byte[1];
        private boolean refused;
        private boolean reported;

        Inspected(ServletInputStream in, InboundFrames frames, Consumer<InboundFrames.Violation> onViolation) {
            this.in = in;
            this.frames = frames;
            this.onViolation = onViolation;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (refused) {
                report();
                return 0;
            }
            int n = in.read(b, off, len);
            if (n <= 0) {
                return n;
            }
            int passed = frames.inspect(b, off, n, System.nanoTime());
            if (frames.violation() != null) {
                refused = true;
            }
            return passed;
        }

        /** Tells of the violation once Tyrus has handled the frames before it (it asks isReady next). */
        private void report() {
            if (!reported) {
                reported = true;
                onViolation.accept(frames.violation());
            }
        }

        @Override
        public int read(byte[] b) throws IOException {
            return read(b, 0, b.length);
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int available() throws IOException {
            return refused ? 0 : in.available();
        }

        @Override
        public boolean isFinished() {
            return refused || in.isFinished();
        }

        @Override
        public boolean isReady() {
            if (refused) {
                report();
                return false;
            }
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
