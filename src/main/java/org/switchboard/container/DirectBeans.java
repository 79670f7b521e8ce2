package org.switchboard.container;

import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;

/**
 * Direct references to application-scoped beans, for the per-message path. Every call through a
 * CDI client proxy looks its instance up in the context and, outside an HTTP request, Weld
 * allocates an interception-context stack for it (some ten proxy calls per message; see
 * docs/benchmarks-history.md, round 4). An application-scoped instance lives as long as the
 * application, so holding it is safe, and it is the intercepted instance where interceptors
 * apply. Beans keep their {@code @Inject} fields (CDI still checks the wiring at deployment) and
 * swap the hot ones for direct references in {@code @PostConstruct}.
 * <p>
 * Creates the instance if it does not exist yet, so use it only for a dependency that does not
 * depend back on the caller: a client proxy is what breaks such a cycle. Off (adaptation
 * {@value #NAME}), or if the bean manager refuses, callers get the ordinary client proxy.
 */
public final class DirectBeans {

    static final String NAME = "weld-direct-beans";

    private static volatile String fallback;

    private DirectBeans() {
    }

    /** The contextual instance behind the client proxy of {@code type} (or the proxy, when off). */
    public static <T> T of(Class<T> type) {
        if (AdaptationSwitch.isOff(NAME)) {
            return CDI.current().select(type).get();
        }
        try {
            BeanManager beans = CDI.current().getBeanManager();
            @SuppressWarnings("unchecked")
            Bean<T> bean = (Bean<T>) beans.resolve(beans.getBeans(type));
            Context context = beans.getContext(bean.getScope());
            return type.cast(context.get(bean, beans.createCreationalContext(bean)));
        } catch (RuntimeException e) {
            fallback = e.toString();
            return CDI.current().select(type).get();
        }
    }

    static AdaptationStatus status() {
        if (AdaptationSwitch.isOff(NAME)) {
            return AdaptationStatus.off(NAME);
        }
        String why = fallback;
        return why == null ? AdaptationStatus.active(NAME) : AdaptationStatus.fallback(NAME, why);
    }
}
