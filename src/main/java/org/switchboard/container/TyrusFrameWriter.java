package org.switchboard.container;

import jakarta.websocket.Session;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;

/**
 * Hands prepared frames to the Tyrus {@link Writer} under a session — the object that puts framed
 * bytes on the servlet connection — so a frame built once serves every recipient. Tyrus' own text
 * path re-encodes the string, copies the payload three times and allocates a future and two
 * wrappers per recipient (docs/benchmarks-history.md, round 4).
 * <p>
 * Tyrus has no public way to reach the writer, so this reads three private members, resolved
 * once. A session whose writer cannot be reached uses the session API. What the bypass skips:
 * Tyrus' partial-message interlock (the hub never sends partial messages), its connected-state
 * check (done here with {@code isOpen}), extensions (the endpoint negotiates none) and its
 * monitoring counters (off unless configured).
 */
public final class TyrusFrameWriter implements FrameWriters {

    /** {@code TyrusRemoteEndpoint.webSocket → TyrusWebSocket.getProtocolHandler() → ProtocolHandler.writer}. */
    public record Handles(Field webSocket, Method protocolHandler, Field writer, Field servletQueue, Field servletStream) {

        public static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Field webSocket = Class.forName("org.glassfish.tyrus.core.TyrusRemoteEndpoint", false, loader).getDeclaredField("webSocket");
            Method protocolHandler = Class.forName("org.glassfish.tyrus.core.TyrusWebSocket", false, loader).getDeclaredMethod("getProtocolHandler");
            Field writer = Class.forName("org.glassfish.tyrus.core.ProtocolHandler", false, loader).getDeclaredField("writer");
            if (!Class.forName(Writer.class.getName(), false, loader).isAssignableFrom(writer.getType())) {
                throw new NoSuchFieldException("ProtocolHandler.writer is a " + writer.getType().getName());
            }
            Class<?> servletWriter = Class.forName("org.glassfish.tyrus.servlet.TyrusServletWriter", false, loader);
            Field servletQueue = servletWriter.getDeclaredField("queue");
            Field servletStream = servletWriter.getDeclaredField("servletOutputStream");
            if (!java.util.Deque.class.isAssignableFrom(servletQueue.getType())
                    || servletStream.getType() != Class.forName(jakarta.servlet.ServletOutputStream.class.getName(), false, loader)) {
                throw new NoSuchFieldException("TyrusServletWriter.queue/servletOutputStream are " + servletQueue.getType().getName()
                        + "/" + servletStream.getType().getName());
            }
            for (java.lang.reflect.AccessibleObject member : new java.lang.reflect.AccessibleObject[]{webSocket, protocolHandler, writer,
                    servletQueue, servletStream}) {
                member.setAccessible(true);
            }
            return new Handles(webSocket, protocolHandler, writer, servletQueue, servletStream);
        }

        /** As {@code TyrusServletWriter.write} decides, under its lock: nothing queued and the stream ready. */
        boolean writesThrough(Object writer) {
            if (!servletQueue.getDeclaringClass().isInstance(writer)) {
                return true;
            }
            synchronized (writer) {
                try {
                    Object stream = servletStream.get(writer);
                    return ((java.util.Deque<?>) servletQueue.get(writer)).isEmpty()
                            && (stream == null || ((jakarta.servlet.ServletOutputStream) stream).isReady());
                } catch (IllegalAccessException | RuntimeException e) {
                    return true;
                }
            }
        }

        /** The session's writer, or null when it cannot be reached. */
        Object writerOf(Session session) {
            try {
                Object socket = webSocket.get(session.getAsyncRemote());
                return socket == null ? null : writer.get(protocolHandler.invoke(socket));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    private final Handles handles;

    TyrusFrameWriter(Handles handles) {
        this.handles = handles;
    }

    @Override
    public FrameWrite forSession(Session session) {
        return handles.writerOf(session) instanceof Writer writer ? new Direct(session, writer, handles) : SESSION_API.forSession(session);
    }

    private static final class Direct implements FrameWrite {
        private final Session session;
        private final Writer writer;
        private final Handles handles;

        Direct(Session session, Writer writer, Handles handles) {
            this.session = session;
            this.writer = writer;
            this.handles = handles;
        }

        /** Tyrus' servlet writer queues a frame unless its queue is empty and the stream is ready. */
        @Override
        public boolean writesThrough() {
            return handles.writesThrough(writer);
        }

        @Override
        public void write(byte[] frame, Done done) {
            if (!session.isOpen()) {
                done.written(new ClosedChannelException());
            } else {
                writer.write(ByteBuffer.wrap(frame), new Written(done));
            }
        }
    }

    private static final class Written extends CompletionHandler<ByteBuffer> {
        private final FrameWrite.Done done;

        Written(FrameWrite.Done done) {
            this.done = done;
        }

        @Override
        public void completed(ByteBuffer result) {
            done.written(null);
        }

        @Override
        public void failed(Throwable throwable) {
            done.written(throwable);
        }

        @Override
        public void cancelled() {
            done.written(new CancellationException());
        }
    }
}
