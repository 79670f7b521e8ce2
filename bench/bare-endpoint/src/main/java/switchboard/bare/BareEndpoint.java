package switchboard.bare;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark's stack baseline: the least a JSR-356 endpoint on Payara can do to broadcast.
 *
 * ws://HOST:PORT/bare/ws?room=R          joins room R and receives everything sent to R
 * ws://HOST:PORT/bare/ws?room=R&pub=1    sends to R without receiving (a publisher)
 * ws://HOST:PORT/bare/ws                 an idle connection in no room
 *
 * Every text message is sent as it is, with getAsyncRemote().sendText, to every session of the
 * sender's room, on the thread that received it. No JSON, no CDI, no queue, no back-pressure.
 */
@ServerEndpoint("/ws")
public class BareEndpoint {

    private static final Map<String, Set<Session>> ROOMS = new ConcurrentHashMap<>();
    private static final String ROOM = "bare.room";

    /** Same Tyrus idle-timeout bypass as the hub (org.switchboard.endpoint.TyrusIdleTimeoutBypass), so the baseline is the stack's limit, not the trap's. */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor IDLE_TASKS = idleTasks();
    private static final java.lang.reflect.Field TYRUS_SERVICE = tyrusService();

    private static java.util.concurrent.ScheduledThreadPoolExecutor idleTasks() {
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bare-tyrus-idle");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static java.lang.reflect.Field tyrusService() {
        try {
            java.lang.reflect.Field f = Class.forName("org.glassfish.tyrus.core.TyrusSession").getDeclaredField("service");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @OnOpen
    public void open(Session session) {
        if (TYRUS_SERVICE != null && TYRUS_SERVICE.getDeclaringClass().isInstance(session)) {
            try {
                TYRUS_SERVICE.set(session, IDLE_TASKS);
            } catch (IllegalAccessException ignored) {
                // baseline stays unfixed
            }
        }
        session.setMaxIdleTimeout(0);
        String room = first(session, "room");
        if (room == null) {
            return;
        }
        session.getUserProperties().put(ROOM, room);
        if (!"1".equals(first(session, "pub"))) {
            ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
        }
    }

    @OnMessage
    public void message(Session session, String text) {
        Object room = session.getUserProperties().get(ROOM);
        if (room == null) {
            return;
        }
        Set<Session> members = ROOMS.get(room);
        if (members == null) {
            return;
        }
        for (Session s : members) {
            if (s.isOpen()) {
                s.getAsyncRemote().sendText(text);
            }
        }
    }

    @OnClose
    public void close(Session session) {
        leave(session);
    }

    @OnError
    public void error(Session session, Throwable t) {
        leave(session);
    }

    private static void leave(Session session) {
        Object room = session.getUserProperties().get(ROOM);
        if (room != null) {
            Set<Session> members = ROOMS.get(room);
            if (members != null) {
                members.remove(session);
            }
        }
    }

    private static String first(Session session, String name) {
        List<String> v = session.getRequestParameterMap().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
