package org.switchboard.endpoint;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import org.switchboard.connection.ConnectionRegistry;

/**
 * Tells every client 1001 (going away) when the application stops. This must happen while the
 * web application is still running: by the time CDI destroys its beans the application's class
 * loader is already stopped, and Tyrus itself leaves the sockets open without a close frame.
 */
@WebListener
public class HubShutdown implements ServletContextListener {

    @Inject
    ConnectionRegistry registry;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        // not injected when the deployment failed before CDI started: there is nobody to tell
        if (registry != null) {
            registry.goingAway();
        }
    }
}
