package org.switchboard.container;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpUpgradeHandler;

import java.io.IOException;

/**
 * Creates the servlet upgrade handler of an admitted WebSocket handshake, in place of
 * {@link HttpServletRequest#upgrade}. {@link #CONTAINER} is that call: Payara then makes every
 * handler a CDI managed object (an injection target built and observed per handshake, and kept
 * in a map until the connection closes), although Tyrus' handler has nothing to inject.
 */
@FunctionalInterface
public interface UpgradeHandlers {

    UpgradeHandlers CONTAINER = HttpServletRequest::upgrade;

    /** As {@link HttpServletRequest#upgrade}: marks the request upgraded and returns its handler. */
    HttpUpgradeHandler upgrade(HttpServletRequest request, Class<? extends HttpUpgradeHandler> type)
            throws IOException, ServletException;
}
