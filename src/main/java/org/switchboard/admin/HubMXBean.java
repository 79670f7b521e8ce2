package org.switchboard.admin;

/**
 * The member as JConsole, VisualVM and Payara's JMX monitoring service see it, under
 * {@value HubMBean#NAME}: counts to watch and the administrator's actions (each audited).
 */
public interface HubMXBean {

    int getConnections();

    int getChannels();

    long getPublished();

    long getDelivered();

    long getSlowConsumerCloses();

    /** Whether the message bus (the broker's topic, on a cluster) is connected. */
    boolean isBusReady();

    boolean isDraining();

    /** Starts draining; returns how many clients are told 1012. */
    int drain();

    /** Accepts connections again after a drain. */
    void undrain();

    /** Closes a connection with 4005; false when there is none with that id. */
    boolean disconnect(String connectionId);

    /** Closes every connection of a subject with 4005; returns how many. */
    int disconnectSubject(String subject);

    /** Publishes a JSON value to a channel as a system message; returns its position or the reason it was refused. */
    String systemMessage(String channel, String dataJson);
}
