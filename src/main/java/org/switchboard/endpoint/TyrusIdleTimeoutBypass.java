package org.switchboard.endpoint;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves Tyrus' idle-timeout scheduling off Payara's default managed scheduled executor. Tyrus
 * schedules that task when a session is created and re-schedules it on every frame in and out,
 * even with no idle timeout, and each submission to a managed executor captures the container
 * context — including a {@code ServiceLoader} scan of the application's class path — which
 * measured as most of the server's CPU under load, and over a third of the CPU of a handshake.
 * The hub never uses Tyrus' idle timeout (its own heartbeat does that job), so the tasks are
 * no-ops, and the hub's {@code TimeoutScheduler} does not even queue them.
 * <p>
 * The preferred fix is one write when the application starts: the application's WebSocket
 * container hands the executor to every session it creates ({@link #applyTo(Object, ScheduledExecutorService)}).
 * If that field is not there, each session is fixed as it opens ({@link #apply(Session, ScheduledExecutorService)}),
 * which misses the first task only. The executor cannot be swapped by configuration for a CDI
 * application (disabling the default managed scheduled executor breaks deployment), hence this
 * narrow reflective fix. If Tyrus changes, it does nothing and logs once: correctness is
 * unaffected, only speed.
 */
public final class TyrusIdleTimeoutBypass {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimeoutBypass.class.getName());
    private static final Field SESSION_SERVICE = find("org.glassfish.tyrus.core.TyrusSession", "service");
    private static final Field CONTAINER_SERVICE = find("org.glassfish.tyrus.core.BaseContainer", "managedScheduledExecutorService");
    private static volatile boolean containerWide;

    private TyrusIdleTimeoutBypass() {
    }

    /** Once, for every session the WebSocket container creates from now on; true if it took. */
    public static boolean applyTo(Object serverContainer, ScheduledExecutorService plain) {
        if (CONTAINER_SERVICE == null || !CONTAINER_SERVICE.getDeclaringClass().isInstance(serverContainer)) {
            return false;
        }
        try {
            CONTAINER_SERVICE.set(serverContainer, plain);
            containerWide = true;
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(Level.FINE, "could not replace the Tyrus container executor", e);
            return false;
        }
    }

    /** For one new session; nothing to do once the container's executor was replaced. */
    public static void apply(Session session, ScheduledExecutorService plain) {
        if (containerWide || SESSION_SERVICE == null || !SESSION_SERVICE.getDeclaringClass().isInstance(session)) {
            return;
        }
        try {
            SESSION_SERVICE.set(session, plain);
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(Level.FINE, "could not replace the Tyrus session executor", e);
        }
    }

    private static Field find(String className, String fieldName) {
        try {
            Field field = Class.forName(className).getDeclaredField(fieldName);
            if (!ScheduledExecutorService.class.isAssignableFrom(field.getType())) {
                throw new NoSuchFieldException(fieldName + " is " + field.getType());
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("Tyrus idle-timeout bypass not available for " + className + " (" + e + "); WebSocket frames stay expensive");
            return null;
        }
    }
}
