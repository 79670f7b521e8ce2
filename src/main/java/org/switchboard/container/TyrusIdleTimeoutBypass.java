package org.switchboard.container;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Moves Tyrus' idle-timeout scheduling off Payara's default managed scheduled executor. Tyrus
 * schedules that task when a session is created and re-schedules it on every frame in and out,
 * even with no idle timeout, and each submission to a managed executor captures the container
 * context — including a {@code ServiceLoader} scan of the application's class path, most of the
 * server's CPU under load (docs/architecture.md, "Payara's Tyrus idle-timeout trap"). The hub never
 * uses Tyrus' idle timeout (its own heartbeat does that job), so the tasks are no-ops, and
 * {@link TimeoutScheduler} does not even queue them.
 * <p>
 * The preferred fix is one field write at start: the application's WebSocket container hands its
 * executor to every session it creates. If that field is missing, each session is redirected as it
 * opens (which misses each session's first task). The executor cannot be swapped by configuration
 * for a CDI application (disabling the default managed scheduled executor breaks deployment).
 */
public final class TyrusIdleTimeoutBypass implements IdleTimeouts {

    /** The two private fields, resolved once from a class loader that sees Tyrus. */
    public record Handles(Field container, Field session) {

        public static Handles resolve(ClassLoader loader) throws ReflectiveOperationException {
            return new Handles(
                    executorField(loader, "org.glassfish.tyrus.core.BaseContainer", "managedScheduledExecutorService"),
                    executorField(loader, "org.glassfish.tyrus.core.TyrusSession", "service"));
        }

        private static Field executorField(ClassLoader loader, String className, String name) throws ReflectiveOperationException {
            Field field = Class.forName(className, false, loader).getDeclaredField(name);
            if (!ScheduledExecutorService.class.isAssignableFrom(field.getType())) {
                throw new NoSuchFieldException(className + "." + name + " is a " + field.getType().getName());
            }
            field.setAccessible(true);
            return field;
        }
    }

    private final Handles handles;
    private final ScheduledExecutorService plain;
    private final boolean containerWide;

    private TyrusIdleTimeoutBypass(Handles handles, ScheduledExecutorService plain, boolean containerWide) {
        this.handles = handles;
        this.plain = plain;
        this.containerWide = containerWide;
    }

    /**
     * Points the application's WebSocket container at {@code plain}; when the container is not a
     * Tyrus {@code BaseContainer}, sessions are redirected one by one as they open.
     */
    static TyrusIdleTimeoutBypass install(Handles handles, Object serverContainer, ScheduledExecutorService plain)
            throws IllegalAccessException {
        if (serverContainer != null && handles.container().getDeclaringClass().isInstance(serverContainer)) {
            handles.container().set(serverContainer, plain);
            return new TyrusIdleTimeoutBypass(handles, plain, true);
        }
        return new TyrusIdleTimeoutBypass(handles, plain, false);
    }

    /** Whether the container-wide redirect took (otherwise each session is redirected as it opens). */
    boolean isContainerWide() {
        return containerWide;
    }

    @Override
    public void redirect(Session session) {
        if (containerWide || !handles.session().getDeclaringClass().isInstance(session)) {
            return;
        }
        try {
            handles.session().set(session, plain);
        } catch (IllegalAccessException | RuntimeException e) {
            // the session keeps the managed executor: slower, still correct
        }
    }
}
