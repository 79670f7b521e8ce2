package org.switchboard.container;

/**
 * Empties the servlet container's request objects of an upgraded request, which the container
 * otherwise keeps until the connection closes. {@link #NONE} keeps them (memory only).
 */
public interface RequestTrim {

    RequestTrim NONE = webConnection -> { };

    /** @param webConnection the servlet container's {@code WebConnection} of an upgraded request */
    void trim(Object webConnection);
}
