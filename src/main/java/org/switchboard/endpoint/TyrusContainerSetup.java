package org.switchboard.endpoint;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import org.switchboard.connection.HubExecutors;

import java.util.logging.Logger;

/**
 * Points the application's WebSocket container at the hub's idle-timeout executor before the
 * first client connects (see {@link TyrusIdleTimeoutBypass}): Tyrus takes the executor from the
 * container when it creates a session and schedules on it in the session's constructor, before
 * any endpoint code runs.
 */
@WebListener
public class TyrusContainerSetup implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(TyrusContainerSetup.class.getName());

    @Inject
    HubExecutors executors;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Object container = event.getServletContext().getAttribute(ServerContainer.class.getName());
        if (executors == null || container == null || !TyrusIdleTimeoutBypass.applyTo(container, executors.websocketIdleTasks())) {
            LOG.info("WebSocket container executor not replaced; each session is fixed when it opens instead");
        }
    }
}
