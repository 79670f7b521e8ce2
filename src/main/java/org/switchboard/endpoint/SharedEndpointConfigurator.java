package org.switchboard.endpoint;

import org.switchboard.config.DirectBeans;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves every connection with one CDI-managed endpoint instance. The endpoint keeps no state of
 * its own (a connection's state lives in its session), and Payara otherwise creates and injects
 * a new endpoint per connection and keeps the injection metadata alive with it — about 1.3 KB of
 * heap per idle connection, measured with a class histogram. Tyrus gets the instance itself, not
 * its client proxy, so a frame does not pay a proxy call to reach it ({@link DirectBeans}).
 */
public class SharedEndpointConfigurator extends ServerEndpointConfig.Configurator {

    private final Map<Class<?>, Object> instances = new ConcurrentHashMap<>();

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(instances.computeIfAbsent(endpointClass, DirectBeans::of));
    }
}
