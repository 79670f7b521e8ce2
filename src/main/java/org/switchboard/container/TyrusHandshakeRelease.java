package org.switchboard.container;

import jakarta.websocket.Session;

import java.lang.reflect.Field;

/**
 * Lets go of the handshake Tyrus keeps for the whole life of a connection. Its servlet upgrade
 * handler holds the upgrade request and response (every header in a case-insensitive map of
 * lists, the parsed URI, the query parameters) after it has used them once, to create the
 * connection whose {@code onOpen} is running now. The session keeps its own copies of what the
 * API exposes (URI, query string, parameters, subprotocol), so nothing a caller can see changes.
 * Payara's Tyrus wraps the handler in a proxy (the writer knows the proxy, the proxy the handler
 * that holds the handshake), so both are cleared. The servlet container's own copy of the request
 * is handed to the {@link RequestTrim}.
 */
final class TyrusHandshakeRelease implements HandshakeRelease {

    /** {@code TyrusServletWriter.tyrusHttpUpgradeHandler → .upgradeInfo / .wc}, and the proxy's {@code handler}. */
    record Handles(Field upgradeHandler, Field upgradeInfo, Field webConnection, Field proxiedHandler) {

        static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> handler = Class.forName("org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler", false, loader);
            Field upgradeHandler = Class.forName("org.glassfish.tyrus.servlet.TyrusServletWriter", false, loader)
                    .getDeclaredField("tyrusHttpUpgradeHandler");
            Field info = handler.getDeclaredField("upgradeInfo");
            Field webConnection = handler.getDeclaredField("wc");
            Field proxied = Class.forName("org.glassfish.tyrus.servlet.TyrusServletUpgrade$TyrusHttpUpgradeHandlerProxy", false, loader)
                    .getDeclaredField("handler");
            for (Field f : new Field[]{upgradeHandler, info, webConnection, proxied}) {
                f.setAccessible(true);
            }
            return new Handles(upgradeHandler, info, webConnection, proxied);
        }
    }

    private final Handles handles;
    private final TyrusFrameWriter.Handles writers;
    private final RequestTrim trim;

    TyrusHandshakeRelease(Handles handles, TyrusFrameWriter.Handles writers, RequestTrim trim) {
        this.handles = handles;
        this.writers = writers;
        this.trim = trim;
    }

    @Override
    public void release(Session session) {
        Object writer = writers.writerOf(session);
        if (writer == null || !handles.upgradeHandler().getDeclaringClass().isInstance(writer)) {
            return;
        }
        try {
            Object handler = handles.upgradeHandler().get(writer);
            Object webConnection = handles.webConnection().get(handler);
            handles.upgradeInfo().set(handler, null);
            if (handles.proxiedHandler().getDeclaringClass().isInstance(handler)) {
                Object inner = handles.proxiedHandler().get(handler);
                if (inner != null) {
                    handles.upgradeInfo().set(inner, null);
                    if (webConnection == null) {
                        webConnection = handles.webConnection().get(inner);
                    }
                }
            }
            trim.trim(webConnection);
        } catch (IllegalAccessException | RuntimeException e) {
            // the handshake stays referenced: memory only
        }
    }
}
