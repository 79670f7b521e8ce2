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
 * Performs Catalina's {@code Request.upgrade} without its CDI step: the handler is made with its
 * no-argument constructor, as plain Catalina's {@code StandardContext} does, and the request is
 * marked upgraded, given the handler and its Grizzly response suspended — the three things
 * {@code Request.upgrade} does besides asking Payara's web container for a managed instance. At the
 * close, Payara's container events treat a handler it did not create as having nothing to destroy
 * (its injection manager is called without validation, and logs at FINE). A request that is not
 * Payara's facade, or any failure, goes the plain way; a failure is logged once and turns the
 * adaptation off.
 */
final class CatalinaDirectUpgrade implements HttpUpgrades {

    private static final Logger LOG = Logger.getLogger(CatalinaDirectUpgrade.class.getName());

    /** The request facade's Catalina request, the two fields {@code upgrade} sets and the response it suspends. */
    record Handles(Class<?> facade, Field facadeRequest, Field upgraded, Field handler, Method grizzlyRequest,
                   Method grizzlyResponse, Method suspend) {

        static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> facade = Class.forName("org.apache.catalina.connector.RequestFacade", false, loader);
            Class<?> catalina = Class.forName("org.apache.catalina.connector.Request", false, loader);
            Class<?> grizzly = Class.forName("org.glassfish.grizzly.http.server.Request", false, loader);
            Class<?> response = Class.forName("org.glassfish.grizzly.http.server.Response", false, loader);
            Field facadeRequest = accessible(facade.getDeclaredField("request"), catalina.getName());
            Field upgraded = accessible(catalina.getDeclaredField("upgrade"), "boolean");
            Field handler = accessible(catalina.getDeclaredField("httpUpgradeHandler"), HttpUpgradeHandler.class.getName());
            Method grizzlyRequest = catalina.getMethod("getCoyoteRequest");
            if (grizzlyRequest.getReturnType() != grizzly) {
                throw new NoSuchMethodException("Request.getCoyoteRequest returns " + grizzlyRequest.getReturnType());
            }
            Method grizzlyResponse = grizzly.getMethod("getResponse");
            Method suspend = response.getMethod("suspend");
            catalina.getMethod("getHttpUpgradeHandler"); // what the close reads back
            return new Handles(facade, facadeRequest, upgraded, handler, grizzlyRequest, grizzlyResponse, suspend);
        }

        private static Field accessible(Field field, String type) throws NoSuchFieldException {
            if (!field.getType().getName().equals(type)) {
                throw new NoSuchFieldException(field + " is not of type " + type);
            }
            field.setAccessible(true);
            return field;
        }

        /** The Catalina request behind {@code request}, or null when it is not Payara's facade. */
        Object catalinaRequest(HttpServletRequest request) throws IllegalAccessException {
            return facade.isInstance(request) ? facadeRequest.get(request) : null;
        }

        void upgrade(Object catalina, HttpUpgradeHandler handlerInstance) throws ReflectiveOperationException {
            Object response = grizzlyResponse.invoke(grizzlyRequest.invoke(catalina));
            upgraded.setBoolean(catalina, true);
            handler.set(catalina, handlerInstance);
            suspend.invoke(response);
        }
    }

    private final Handles handles;
    private final AtomicBoolean failed = new AtomicBoolean();

    CatalinaDirectUpgrade(Handles handles) {
        this.handles = handles;
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, Class<T> handlerClass)
            throws IOException, ServletException {
        if (!failed.get()) {
            try {
                Object catalina = handles.catalinaRequest(request);
                if (catalina != null) {
                    T handler = handlerClass.getDeclaredConstructor().newInstance();
                    handles.upgrade(catalina, handler);
                    return handler;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                if (failed.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "Switchboard's " + ContainerAdaptations.DIRECT_UPGRADE + " failed on a live connection; "
                            + "the container creates the upgrade handlers from now on", e);
                }
            }
        }
        return request.upgrade(handlerClass);
    }
}
