package org.switchboard.endpoint;

import jakarta.websocket.Session;
import org.glassfish.tyrus.spi.Writer;
import org.switchboard.connection.TyrusFrameWriter;

import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets go of the handshake Tyrus keeps for the whole life of a connection. Its servlet upgrade
 * handler holds the upgrade request and response (every header in a case-insensitive map of
 * lists, the parsed URI, the query parameters) after it has used them once, to create the
 * connection whose {@code onOpen} is running now. The session keeps its own copies of what the
 * API exposes (URI, query string, parameters, subprotocol), so nothing a caller can see changes.
 * Payara's Tyrus wraps the handler in a proxy (the writer knows the proxy, the proxy the handler
 * that holds the handshake), so both are cleared. The servlet container's own copy of the request
 * is trimmed too ({@link UpgradedRequestTrim}). Resolved once; on a Tyrus without these fields
 * nothing happens.
 */
final class TyrusHandshakeRelease {

    private static final Logger LOG = Logger.getLogger(TyrusHandshakeRelease.class.getName());
    private static final Field UPGRADE_HANDLER;
    private static final Field UPGRADE_INFO;
    private static final Field PROXIED_HANDLER;
    private static final Field WEB_CONNECTION;

    static {
        Field handler = null;
        Field info = null;
        Field proxied = null;
        Field webConnection = null;
        try {
            handler = Class.forName("org.glassfish.tyrus.servlet.TyrusServletWriter").getDeclaredField("tyrusHttpUpgradeHandler");
            info = Class.forName("org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler").getDeclaredField("upgradeInfo");
            webConnection = Class.forName("org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler").getDeclaredField("wc");
            handler.setAccessible(true);
            info.setAccessible(true);
            webConnection.setAccessible(true);
            try {
                proxied = Class.forName("org.glassfish.tyrus.servlet.TyrusServletUpgrade$TyrusHttpUpgradeHandlerProxy").getDeclaredField("handler");
                proxied.setAccessible(true);
            } catch (ReflectiveOperationException e) {
                proxied = null; // a Tyrus without the proxy: the writer knows the handler itself
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.INFO, "Tyrus' upgrade handler not as expected; the handshake stays referenced", e);
            handler = null;
        }
        UPGRADE_HANDLER = handler;
        UPGRADE_INFO = info;
        PROXIED_HANDLER = proxied;
        WEB_CONNECTION = webConnection;
    }

    private TyrusHandshakeRelease() {
    }

    /** Call from {@code onOpen}: Tyrus has finished with the handshake by then. */
    static void release(Session session) {
        if (UPGRADE_HANDLER == null) {
            return;
        }
        Writer writer = TyrusFrameWriter.of(session);
        if (writer == null || !UPGRADE_HANDLER.getDeclaringClass().isInstance(writer)) {
            return;
        }
        try {
            Object handler = UPGRADE_HANDLER.get(writer);
            Object webConnection = WEB_CONNECTION.get(handler);
            UPGRADE_INFO.set(handler, null);
            if (PROXIED_HANDLER != null && PROXIED_HANDLER.getDeclaringClass().isInstance(handler)) {
                Object inner = PROXIED_HANDLER.get(handler);
                if (inner != null) {
                    UPGRADE_INFO.set(inner, null);
                    if (webConnection == null) {
                        webConnection = WEB_CONNECTION.get(inner);
                    }
                }
            }
            UpgradedRequestTrim.trim(webConnection);
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(Level.FINE, "handshake not released", e);
        }
    }
}
