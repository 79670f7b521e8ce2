package org.switchboard.container;

import jakarta.websocket.server.ServerEndpointConfig;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves every connection with one CDI-managed endpoint instance. The endpoint keeps no state of
 * its own (a connection's state lives in the hub), and Payara otherwise creates and injects a new
 * endpoint per connection and keeps the injection metadata alive with it, for as long as the
 * connection lives (docs/benchmarks-history.md, round 1). Tyrus gets the instance itself, not its client proxy ({@link DirectBeans}).
 * Off (adaptation {@value #NAME}), Tyrus creates endpoints its own way.
 */
public class SharedEndpointConfigurator extends ServerEndpointConfig.Configurator {

    static final String NAME = "shared-endpoint-instance";

    private final Map<Class<?>, Object> instances = new ConcurrentHashMap<>();
    private volatile Boolean off;

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        Boolean isOff = off;
        if (isOff == null) {
            off = isOff = AdaptationSwitch.isOff(NAME);
        }
        if (isOff) {
            return super.getEndpointInstance(endpointClass);
        }
        return endpointClass.cast(instances.computeIfAbsent(endpointClass, DirectBeans::of));
    }

    static AdaptationStatus status() {
        return AdaptationSwitch.isOff(NAME) ? AdaptationStatus.off(NAME) : AdaptationStatus.active(NAME);
    }
}
