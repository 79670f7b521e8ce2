package org.switchboard.container;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpUpgradeHandler;

import java.io.IOException;

/**
 * Upgrades an admitted WebSocket handshake's request to its protocol handler. Payara creates every
 * upgrade handler as a CDI managed object — an injection target built per upgrade, the CDI
 * extensions notified, an injection context kept until the connection closes — for Tyrus' handler,
 * which has nothing to inject; on a member that just started that is the biggest part of a
 * handshake's CPU. {@link #PLAIN} asks the container, as the Servlet API says.
 */
public interface HttpUpgrades {

    HttpUpgrades PLAIN = new HttpUpgrades() {
        @Override
        public <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, Class<T> handlerClass)
                throws IOException, ServletException {
            return request.upgrade(handlerClass);
        }
    };

    /** {@link HttpServletRequest#upgrade} of {@code request}, the container's request as it reached the hub. */
    <T extends HttpUpgradeHandler> T upgrade(HttpServletRequest request, Class<T> handlerClass) throws IOException, ServletException;
}
