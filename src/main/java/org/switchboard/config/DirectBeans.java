package org.switchboard.config;

import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;

/**
 * Direct references to application-scoped beans, for the per-message path. Every call through a
 * CDI client proxy looks its instance up in the context and, outside an HTTP request, Weld
 * allocates an interception-context stack for it: about 10% of all allocation in the rooms
 * benchmark (some ten proxy calls per message). An application-scoped instance lives as long as
 * the application, so holding it is safe, and it is the intercepted instance where interceptors
 * apply. Beans keep their {@code @Inject} fields (CDI still checks the wiring at deployment) and
 * swap the hot ones for direct references in {@code @PostConstruct}.
 * <p>
 * Creates the instance if it does not exist yet, so use it only for a dependency that does not
 * depend back on the caller: a client proxy is what breaks such a cycle.
 */
public final class DirectBeans {

    private DirectBeans() {
    }

    /** The contextual instance behind the client proxy of {@code type}. */
    public static <T> T of(Class<T> type) {
        BeanManager beans = CDI.current().getBeanManager();
        @SuppressWarnings("unchecked")
        Bean<T> bean = (Bean<T>) beans.resolve(beans.getBeans(type));
        Context context = beans.getContext(bean.getScope());
        return type.cast(context.get(bean, beans.createCreationalContext(bean)));
    }
}
