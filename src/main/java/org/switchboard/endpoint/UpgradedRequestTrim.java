package org.switchboard.endpoint;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets go of the per-request state Payara's web container keeps for the whole life of an upgraded
 * connection. Grizzly recycles a request's objects when the request ends; an upgraded request ends
 * only when its connection closes, so every idle WebSocket connection kept the parsed request and
 * response headers (a {@code MimeHeaderField} of four chunk objects per header name and value,
 * about 7 KB for a browser's handshake) and two 1,024-character scratch buffers of the
 * query-string decoder (4 KB) — over a third of the 27 KB Payara holds per connection.
 * <p>
 * By the time the endpoint's {@code onOpen} runs the handshake response has been flushed and every
 * value the WebSocket API exposes has been copied into the session, so the header lists are
 * emptied (their array shrunk to one slot; Grizzly grows it again if it ever adds a header) and
 * the scratch buffers dropped (Grizzly allocates them again if it decodes another query). What is
 * no longer there afterwards: the upgrade request's headers for anything in the container that
 * reads them at the end of the request, such as an access-log pattern with {@code %header.…%}.
 * <p>
 * The objects are reached through private fields of Payara's classes, resolved from the first
 * connection's objects; on a server whose classes differ nothing is trimmed and one line is logged.
 */
final class UpgradedRequestTrim {

    private static final Logger LOG = Logger.getLogger(UpgradedRequestTrim.class.getName());

    /** Logged once, after the first connection is trimmed: operators (and an IT) can tell it works on this server. */
    private static final String ACTIVE = "Upgraded requests are trimmed: Grizzly's header lists and query scratch buffers are released once a WebSocket connection is open";

    private static volatile Path path;
    private static volatile HeaderHandles headerHandles;
    private static volatile ScratchHandles scratchHandles;
    private static volatile boolean unavailable;

    private UpgradedRequestTrim() {
    }

    /** @param webConnection the servlet container's {@code WebConnection} of an upgraded request */
    static void trim(Object webConnection) {
        if (unavailable || webConnection == null) {
            return;
        }
        try {
            Path p = path;
            if (p == null) {
                firstTrim(webConnection);
            } else {
                p.trim(webConnection);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unavailable = true;
            LOG.log(Level.INFO, "Payara's request objects not as expected; upgraded requests keep their headers", e);
        }
    }

    /** Resolves the path on the first connection and says once that the trim works on this server. */
    private static synchronized void firstTrim(Object webConnection) throws ReflectiveOperationException {
        if (path != null) {
            path.trim(webConnection);
            return;
        }
        Path p = Path.resolve(webConnection);
        p.trim(webConnection);
        path = p;
        LOG.info(ACTIVE);
    }

    /** Empties a Grizzly {@code MimeHeaders} and shrinks its array of fields to one slot. */
    static void emptyHeaders(Object mimeHeaders) throws ReflectiveOperationException {
        HeaderHandles h = headerHandles;
        if (h == null) {
            h = new HeaderHandles(method(mimeHeaders.getClass(), "clear"), declared(mimeHeaders.getClass(), "headers"));
            headerHandles = h;
        }
        h.clear.invoke(mimeHeaders);
        h.array.set(mimeHeaders, Array.newInstance(h.array.getType().getComponentType(), 1));
    }

    /** Drops the buffers of a Grizzly {@code Parameters}' two query-decoding scratch {@code CharChunk}s. */
    static void dropScratchBuffers(Object parameters) throws ReflectiveOperationException {
        ScratchHandles h = scratchHandles;
        if (h == null) {
            Field name = declared(parameters.getClass(), "tmpNameC");
            Class<?> chunk = name.getType();
            h = new ScratchHandles(name, declared(parameters.getClass(), "tmpValueC"), method(chunk, "recycle"),
                    declared(chunk, "buff"));
            scratchHandles = h;
        }
        for (Field scratch : new Field[] {h.name, h.value}) {
            Object chunk = scratch.get(parameters);
            if (chunk != null) {
                h.recycle.invoke(chunk);
                h.buffer.set(chunk, null);
            }
        }
    }

    private static Field declared(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        Method m = type.getMethod(name);
        m.setAccessible(true); // the public method may be declared by a class that is not
        return m;
    }

    private record HeaderHandles(Method clear, Field array) {
    }

    private record ScratchHandles(Field name, Field value, Method recycle, Field buffer) {
    }

    /** From the web connection to Grizzly's request and response packets and the request's parameters. */
    private record Path(Field catalinaRequest, Method grizzlyRequest, Method requestPacket, Method responsePacket,
                        Field headers, Field parameters) {

        static Path resolve(Object webConnection) throws ReflectiveOperationException {
            Field catalinaRequest = declared(webConnection.getClass(), "request");
            Object catalina = catalinaRequest.get(webConnection);
            Method grizzlyRequest = method(catalina.getClass(), "getCoyoteRequest");
            Object grizzly = grizzlyRequest.invoke(catalina);
            Method requestPacket = method(grizzly.getClass(), "getRequest");
            Class<?> packet = requestPacket.invoke(grizzly).getClass();
            // the field is declared by the packets' common superclass, so it serves the response too
            return new Path(catalinaRequest, grizzlyRequest, requestPacket, method(packet, "getResponse"),
                    declared(packet, "headers"), declared(grizzly.getClass(), "parameters"));
        }

        void trim(Object webConnection) throws ReflectiveOperationException {
            Object catalina = catalinaRequest.get(webConnection);
            Object grizzly = catalina == null ? null : grizzlyRequest.invoke(catalina);
            if (grizzly == null) {
                return;
            }
            Object packet = requestPacket.invoke(grizzly);
            if (packet != null) {
                emptyHeaders(headers.get(packet));
                Object response = responsePacket.invoke(packet);
                if (response != null) {
                    emptyHeaders(headers.get(response));
                }
            }
            Object params = parameters.get(grizzly);
            if (params != null) {
                dropScratchBuffers(params);
            }
        }
    }
}
