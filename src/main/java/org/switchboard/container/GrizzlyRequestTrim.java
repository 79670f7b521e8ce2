package org.switchboard.container;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets go of the per-request state Payara's web container keeps for the whole life of an upgraded
 * connection. Grizzly recycles a request's objects when the request ends; an upgraded request ends
 * only when its connection closes, so every idle WebSocket connection kept the parsed request and
 * response headers (a {@code MimeHeaderField} of four chunk objects per header name and value)
 * and two 1,024-character scratch buffers of the query-string decoder — a large share of what
 * Payara holds per connection (docs/benchmarks-history.md, round 4).
 * <p>
 * By the time the endpoint's {@code onOpen} runs the handshake response has been flushed and every
 * value the WebSocket API exposes has been copied into the session, so the header lists are
 * emptied (their array shrunk to one slot; Grizzly grows it again if it ever adds a header) and
 * the scratch buffers dropped (Grizzly allocates them again if it decodes another query). What is
 * no longer there afterwards: the upgrade request's headers for anything in the container that
 * reads them at the end of the request, such as an access-log pattern with {@code %header.…%}.
 */
final class GrizzlyRequestTrim implements RequestTrim {

    private static final Logger LOG = Logger.getLogger(GrizzlyRequestTrim.class.getName());

    /** From Payara's {@code WebConnectionImpl} to Grizzly's request ({@link GrizzlyParts} does the rest). */
    record Handles(Field catalinaRequest, Method grizzlyRequest, GrizzlyParts grizzly) {

        static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> webConnection = Class.forName("org.apache.catalina.connector.WebConnectionImpl", false, loader);
            Class<?> catalina = Class.forName("org.apache.catalina.connector.Request", false, loader);
            return new Handles(declared(webConnection, "request"), method(catalina, "getCoyoteRequest"), GrizzlyParts.resolve(loader));
        }

        void trim(Object webConnection) throws ReflectiveOperationException {
            Object catalina = catalinaRequest.get(webConnection);
            Object request = catalina == null ? null : grizzlyRequest.invoke(catalina);
            if (request != null) {
                grizzly.trim(request);
            }
        }
    }

    /** Grizzly's request and response packets, their header lists and the request's query decoder. */
    record GrizzlyParts(Method requestPacket, Method responsePacket, Field headers, Field parameters,
                        Method clearHeaders, Field headerArray, Field scratchName, Field scratchValue,
                        Method recycleChunk, Field chunkBuffer) {

        static GrizzlyParts resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> grizzly = Class.forName("org.glassfish.grizzly.http.server.Request", false, loader);
            Class<?> requestPacket = Class.forName("org.glassfish.grizzly.http.HttpRequestPacket", false, loader);
            Class<?> header = Class.forName("org.glassfish.grizzly.http.HttpHeader", false, loader);
            Class<?> mimeHeaders = Class.forName("org.glassfish.grizzly.http.util.MimeHeaders", false, loader);
            Class<?> parameters = Class.forName("org.glassfish.grizzly.http.util.Parameters", false, loader);
            Field scratchName = declared(parameters, "tmpNameC");
            Class<?> chunk = scratchName.getType();
            return new GrizzlyParts(method(grizzly, "getRequest"), method(requestPacket, "getResponse"),
                    declared(header, "headers"), declared(grizzly, "parameters"),
                    method(mimeHeaders, "clear"), declared(mimeHeaders, "headers"),
                    scratchName, declared(parameters, "tmpValueC"), method(chunk, "recycle"), declared(chunk, "buff"));
        }

        /** @param request a Grizzly {@code org.glassfish.grizzly.http.server.Request} */
        void trim(Object request) throws ReflectiveOperationException {
            Object packet = requestPacket.invoke(request);
            if (packet != null) {
                emptyHeaders(headers.get(packet));
                Object response = responsePacket.invoke(packet);
                if (response != null) {
                    emptyHeaders(headers.get(response));
                }
            }
            Object params = parameters.get(request);
            if (params != null) {
                dropScratchBuffers(params);
            }
        }

        /** Empties a Grizzly {@code MimeHeaders} and shrinks its array of fields to one slot. */
        void emptyHeaders(Object mimeHeaders) throws ReflectiveOperationException {
            clearHeaders.invoke(mimeHeaders);
            headerArray.set(mimeHeaders, Array.newInstance(headerArray.getType().getComponentType(), 1));
        }

        /** Drops the buffers of a Grizzly {@code Parameters}' two query-decoding scratch {@code CharChunk}s. */
        void dropScratchBuffers(Object parameters) throws ReflectiveOperationException {
            for (Field scratch : new Field[]{scratchName, scratchValue}) {
                Object chunk = scratch.get(parameters);
                if (chunk != null) {
                    recycleChunk.invoke(chunk);
                    chunkBuffer.set(chunk, null);
                }
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

    private final Handles handles;
    private final AtomicBoolean failed = new AtomicBoolean();

    GrizzlyRequestTrim(Handles handles) {
        this.handles = handles;
    }

    @Override
    public void trim(Object webConnection) {
        if (webConnection == null || failed.get()) {
            return;
        }
        try {
            handles.trim(webConnection);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (failed.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "Switchboard container adaptation grizzly-request-trim failed on a live connection"
                        + " and is now skipped; upgraded requests keep their headers", e);
            }
        }
    }
}
