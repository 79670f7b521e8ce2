package org.switchboard.container;

import jakarta.websocket.Session;

/**
 * Where Tyrus schedules its per-frame idle-timeout tasks. The plain-API behaviour ({@link #NONE})
 * leaves them on Payara's default managed scheduled executor, which is correct but costs a
 * context capture per frame (see {@link TyrusIdleTimeoutBypass}).
 */
public interface IdleTimeouts {

    IdleTimeouts NONE = session -> { };

    /** Called from {@code onOpen}: redirects this session if the container-wide redirect did not take. */
    void redirect(Session session);
}
