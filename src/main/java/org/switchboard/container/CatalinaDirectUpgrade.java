package org.switchboard.container;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpUpgradeHandler;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Upgrades a handshake the way Payara's Catalina {@code Request.upgrade} does (mark the request
 * upgraded, hold the handler, suspend the Grizzly response), but creates Tyrus' handler with its
 * public constructor instead of through CDI. Payara's CDI path builds a Weld injection target for
 * the handler class on every handshake, fires {@code ProcessInjectionTarget} to every extension,
 * looks services up in HK2 and keeps the result in a map until the connection closes: a large share
 * of a handshake's CPU in a reconnect storm (docs/benchmarks.md) for a class with nothing to inject.
 * When the connection closes Payara asks CDI to destroy the handler; one it did not create is
 * skipped (logged at FINE by Payara). Any other handler class, or a request that is not Payara's,
 * goes to the servlet API.
 */
final class CatalinaDirectUpgrade implements UpgradeHandlers {

    private static final Logger LOG = Logger.getLogger(CatalinaDirectUpgrade.class.getName());
    static final String TYRUS_HANDLER = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";

    /** {@code RequestFacade.request → Request.setUpgrade / .httpUpgradeHandler / getCoyoteRequest() → getResponse().suspend()}. */
    record Handles(Class<?> facade, Field facadeRequest, Method setUpgrade, Field upgradeHandler, Method grizzlyRequest,
                   Method grizzlyResponse, Method suspend) {

        static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> facade = Class.forName("org.apache.catalina.connector.RequestFacade", false, loader);
            Class<?> catalina = Class.forName("org.apache.catalina.connector.Request", false, loader);
            Class<?> grizzlyRequest = Class.forName("org.glassfish.grizzly.http.server.Request", false, loader);
            Class<?> grizzlyResponse = Class.forName("org.glassfish.grizzly.http.server.Response", false, loader);
            Field facadeRequest = facade.getDeclaredField("request");
            Field upgradeHandler = catalina.getDeclaredField("httpUpgradeHandler");
            if (!upgradeHandler.getType().getName().equals(HttpUpgradeHandler.class.getName())) {
                throw new NoSuchFieldException("Request.httpUpgradeHandler is a " + upgradeHandler.getType().getName());
            }
            Class.forName(TYRUS_HANDLER, false, loader).getConstructor();
            facadeRequest.setAccessible(true);
            upgradeHandler.setAccessible(true);
            return new Handles(facade, facadeRequest, catalina.getMethod("setUpgrade", boolean.class), upgradeHandler,
                    catalina.getMethod("getCoyoteRequest"), grizzlyRequest.getMethod("getResponse"),
                    grizzlyResponse.getMethod("suspend"));
        }

        /** What {@code Request.upgrade} does once it has the handler. */
        void upgrade(Object catalinaRequest, HttpUpgradeHandler handler) throws ReflectiveOperationException {
            setUpgrade.invoke(catalinaRequest, true);
            upgradeHandler.set(catalinaRequest, handler);
            suspend.invoke(grizzlyResponse.invoke(grizzlyRequest.invoke(catalinaRequest)));
        }
    }

    private final Handles handles;
    private final AtomicBoolean failed = new AtomicBoolean();

    CatalinaDirectUpgrade(Handles handles) {
        this.handles = handles;
    }

    @Override
    public HttpUpgradeHandler upgrade(HttpServletRequest request, Class<? extends HttpUpgradeHandler> type)
            throws IOException, ServletException {
        Object facade = ServletRequests.innermost(request);
        if (failed.get() || !TYRUS_HANDLER.equals(type.getName()) || !handles.facade().isInstance(facade)) {
            return request.upgrade(type);
        }
        HttpUpgradeHandler handler;
        Object catalina;
        try {
            catalina = handles.facadeRequest().get(facade);
            handler = type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            giveUp(e);
            return request.upgrade(type);
        }
        if (catalina == null) {
            return request.upgrade(type); // a recycled facade: the servlet API says why
        }
        try {
            handles.upgrade(catalina, handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the request may be half upgraded: refuse this handshake rather than hand Tyrus a second handler
            giveUp(e);
            throw new ServletException("upgrading the handshake failed", e);
        }
        return handler;
    }

    private void giveUp(Exception e) {
        if (failed.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Switchboard container adaptation catalina-direct-upgrade failed on a handshake and is"
                    + " now skipped; upgrade handlers are created through CDI again", e);
        }
    }
}
