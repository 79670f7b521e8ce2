package org.switchboard.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.switchboard.bus.PublishLedger;
import org.switchboard.config.HubSettings;

/** The hub's plain classes that CDI beans share, made once from the settings. */
@ApplicationScoped
public class HubBeans {

    /** One ledger per member: the bus records publications in it, the delivery pipeline confirms them. */
    @Produces
    @Singleton
    PublishLedger publishLedger(HubSettings settings) {
        return new PublishLedger(settings.publishTimeoutMs());
    }
}
