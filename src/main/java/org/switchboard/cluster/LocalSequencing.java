package org.switchboard.cluster;

import org.switchboard.bus.HubEvent;

/** This member's sequencer as the ingress publisher sees it: a shortcut that exists only while this member holds the lease. */
interface LocalSequencing {

    /** Whether this member is numbering events now. */
    boolean isActive();

    /**
     * Takes one of this member's publications directly, if this member is sequencing now. False
     * means "use the ingress queue" (not sequencing any more, or the inbox is full).
     */
    boolean offerLocal(HubEvent event);
}
