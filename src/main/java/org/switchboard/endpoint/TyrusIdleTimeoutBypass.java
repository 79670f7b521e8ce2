package org.switchboard.endpoint;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves a Tyrus session's idle-timeout scheduling off Payara's default managed scheduled
 * executor. Tyrus re-schedules that task on every frame in and out, even with no idle timeout,
 * and each submission to a managed executor captures the container context — including a
 * {@code ServiceLoader} scan of the application's class path — which measured as most of the
 * server's CPU under load. The hub never uses Tyrus' idle timeout (its own heartbeat does that
 * job), so the tasks are no-ops, and the hub's {@code TimeoutScheduler} does not even queue them.
 * <p>
 * The executor cannot be swapped by configuration for a CDI application (disabling the default
 * managed scheduled executor breaks deployment), hence this narrow reflective fix. If Tyrus
 * changes, it does nothing and logs once: correctness is unaffected, only speed.
 */
public final class TyrusIdleTimeoutBypass {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimeoutBypass.class.getName());
    private static final Field SERVICE = find();

    private TyrusIdleTimeoutBypass() {
    }

    public static void apply(Session session, ScheduledExecutorService plain) {
        if (SERVICE == null || !SERVICE.getDeclaringClass().isInstance(session)) {
            return;
        }
        try {
            SERVICE.set(session, plain);
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(Level.FINE, "could not replace the Tyrus session executor", e);
        }
    }

    private static Field find() {
        try {
            Field field = Class.forName("org.glassfish.tyrus.core.TyrusSession").getDeclaredField("service");
            if (!ScheduledExecutorService.class.isAssignableFrom(field.getType())) {
                throw new NoSuchFieldException("service is " + field.getType());
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("Tyrus idle-timeout bypass not available (" + e + "); WebSocket frames stay expensive");
            return null;
        }
    }
}
