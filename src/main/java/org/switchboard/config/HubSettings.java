package org.switchboard.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every limit and interval of the hub, read once from MicroProfile Config at startup. Keys and
 * defaults are listed in docs/operations.md; change them with system properties, environment
 * variables or the domain's config sources.
 */
@ApplicationScoped
public class HubSettings {

    @Inject
    @ConfigProperty(name = "switchboard.heartbeat.interval-ms", defaultValue = "25000")
    long heartbeatIntervalMs;

    @Inject
    @ConfigProperty(name = "switchboard.heartbeat.timeout-ms", defaultValue = "60000")
    long heartbeatTimeoutMs;

    @Inject
    @ConfigProperty(name = "switchboard.limits.max-message-bytes", defaultValue = "65536")
    int maxMessageBytes;

    @Inject
    @ConfigProperty(name = "switchboard.limits.frame-timeout-ms", defaultValue = "20000")
    long frameTimeoutMs;

    @Inject
    @ConfigProperty(name = "switchboard.limits.max-subscriptions", defaultValue = "100")
    int maxSubscriptions;

    @Inject
    @ConfigProperty(name = "switchboard.limits.max-connections", defaultValue = "0")
    int maxConnections;

    @Inject
    @ConfigProperty(name = "switchboard.warmup.url", defaultValue = "")
    String warmupUrl;

    @Inject
    @ConfigProperty(name = "switchboard.warmup.handshakes", defaultValue = "3000")
    int warmupHandshakes;

    @Inject
    @ConfigProperty(name = "switchboard.warmup.max-seconds", defaultValue = "30")
    int warmupMaxSeconds;

    @Inject
    @ConfigProperty(name = "switchboard.limits.handshake-backlog", defaultValue = "4096")
    int handshakeBacklog;

    @Inject
    @ConfigProperty(name = "switchboard.limits.channel-max-length", defaultValue = "128")
    int channelMaxLength;

    @Inject
    @ConfigProperty(name = "switchboard.limits.send-queue", defaultValue = "1024")
    int sendQueue;

    @Inject
    @ConfigProperty(name = "switchboard.limits.publish-per-second", defaultValue = "100")
    int publishPerSecond;

    @Inject
    @ConfigProperty(name = "switchboard.send.batch-max-bytes", defaultValue = "65536")
    int batchMaxBytes;

    @Inject
    @ConfigProperty(name = "switchboard.presence.max-announced", defaultValue = "200")
    int presenceMaxAnnounced;

    @Inject
    @ConfigProperty(name = "switchboard.jms.connection-factory", defaultValue = "jms/switchboard/ConnectionFactory")
    String jmsConnectionFactory;

    @Inject
    @ConfigProperty(name = "switchboard.jms.topic", defaultValue = "jms/switchboard/Messages")
    String jmsTopic;

    @Inject
    @ConfigProperty(name = "switchboard.jms.ingress-queue", defaultValue = "jms/switchboard/Ingress")
    String jmsIngressQueue;

    @Inject
    @ConfigProperty(name = "switchboard.jms.publish-queue", defaultValue = "10000")
    int publishQueue;

    @Inject
    @ConfigProperty(name = "switchboard.jms.publish-timeout-ms", defaultValue = "5000")
    long publishTimeoutMs;

    @Inject
    @ConfigProperty(name = "switchboard.history.enabled", defaultValue = "true")
    boolean historyEnabled;

    @Inject
    @ConfigProperty(name = "switchboard.history.datasource", defaultValue = "jdbc/__default")
    String historyDataSource;

    @Inject
    @ConfigProperty(name = "switchboard.history.max-messages", defaultValue = "1000")
    int historyMaxMessages;

    @Inject
    @ConfigProperty(name = "switchboard.history.max-age", defaultValue = "24h")
    String historyMaxAge;

    @Inject
    @ConfigProperty(name = "switchboard.history.channels", defaultValue = " ")
    String historyChannels;

    @Inject
    @ConfigProperty(name = "switchboard.history.resume-max", defaultValue = "1000")
    int historyResumeMax;

    @Inject
    @ConfigProperty(name = "switchboard.history.page-max", defaultValue = "100")
    int historyPageMax;

    @Inject
    @ConfigProperty(name = "switchboard.history.prune-interval-ms", defaultValue = "10000")
    long historyPruneIntervalMs;

    @Inject
    @ConfigProperty(name = "switchboard.history.prune-max-rows", defaultValue = "10000")
    int historyPruneMaxRows;

    @Inject
    @ConfigProperty(name = "switchboard.history.statement-timeout-s", defaultValue = "2")
    int historyStatementTimeoutS;

    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public long heartbeatTimeoutMs() {
        return heartbeatTimeoutMs;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** 0: derived from the process's open-file limit ({@code ConnectionCap}). */
    public int maxConnections() {
        return maxConnections;
    }

    /** This member's own WebSocket URL for its warm-up at start; empty: no warm-up. */
    public String warmupUrl() {
        return warmupUrl.strip();
    }

    /** Handshakes the warm-up makes (each with a subscribe and a few publications); 0: no warm-up. */
    public int warmupHandshakes() {
        return warmupHandshakes;
    }

    public int warmupMaxSeconds() {
        return warmupMaxSeconds;
    }

    /** Tasks waiting for the HTTP workers beyond which a handshake is refused (503); 0: never. */
    public int handshakeBacklog() {
        return handshakeBacklog;
    }

    public int maxSubscriptions() {
        return maxSubscriptions;
    }

    public int channelMaxLength() {
        return channelMaxLength;
    }

    /** How long a client may leave a frame or fragmented message unfinished; 0 or less: no limit. */
    public long frameTimeoutMs() {
        return frameTimeoutMs;
    }

    public int sendQueue() {
        return sendQueue;
    }

    public int publishPerSecond() {
        return publishPerSecond;
    }

    public int batchMaxBytes() {
        return batchMaxBytes;
    }

    public int presenceMaxAnnounced() {
        return presenceMaxAnnounced;
    }

    public String jmsConnectionFactory() {
        return jmsConnectionFactory;
    }

    public String jmsTopic() {
        return jmsTopic;
    }

    public String jmsIngressQueue() {
        return jmsIngressQueue;
    }

    public int publishQueue() {
        return publishQueue;
    }

    public long publishTimeoutMs() {
        return publishTimeoutMs;
    }

    /** Whether any channel keeps history; false makes every channel live-only. */
    public boolean historyEnabled() {
        return historyEnabled;
    }

    /** JNDI name of the history store's DataSource. */
    public String historyDataSource() {
        return historyDataSource;
    }

    public int historyMaxMessages() {
        return historyMaxMessages;
    }

    public String historyMaxAge() {
        return historyMaxAge;
    }

    /** Per-pattern rules: {@code pattern=live} or {@code pattern=<messages>/<age>}, comma separated. */
    public String historyChannels() {
        return historyChannels;
    }

    /** Most missed messages a subscription resumes with; a longer gap is answered "not recovered". */
    public int historyResumeMax() {
        return historyResumeMax;
    }

    /** Most messages one history request returns. */
    public int historyPageMax() {
        return historyPageMax;
    }

    public long historyPruneIntervalMs() {
        return historyPruneIntervalMs;
    }

    public int historyPruneMaxRows() {
        return historyPruneMaxRows;
    }

    public int historyStatementTimeoutS() {
        return historyStatementTimeoutS;
    }
}
