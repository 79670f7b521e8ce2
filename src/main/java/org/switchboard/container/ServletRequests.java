package org.switchboard.container;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;

/**
 * The container's own request under any filter wrappers: the adaptations recognise Catalina's
 * request facade by its class, which a wrapper hides.
 */
public final class ServletRequests {

    private ServletRequests() {
    }

    public static ServletRequest innermost(ServletRequest request) {
        ServletRequest inner = request;
        while (inner instanceof ServletRequestWrapper wrapper) {
            inner = wrapper.getRequest();
        }
        return inner;
    }
}
