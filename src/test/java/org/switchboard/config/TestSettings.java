package org.switchboard.config;

/** {@link HubSettings} with the documented defaults, for unit tests outside a container; change what a test needs. */
public final class TestSettings {

    private TestSettings() {
    }

    public static HubSettings defaults() {
        HubSettings s = new HubSettings();
        s.heartbeatIntervalMs = 25000;
        s.heartbeatTimeoutMs = 60000;
        s.maxMessageBytes = 65536;
        s.maxSubscriptions = 100;
        s.channelMaxLength = 128;
        s.sendQueue = 1024;
        s.publishPerSecond = 100;
        s.batchMaxBytes = 65536;
        s.presenceMaxAnnounced = 200;
        s.publishQueue = 10000;
        s.publishTimeoutMs = 5000;
        s.historyEnabled = true;
        s.historyDataSource = "jdbc/__default";
        s.historyMaxMessages = 1000;
        s.historyMaxAge = "24h";
        s.historyChannels = " ";
        s.historyResumeMax = 1000;
        s.historyPageMax = 100;
        s.historyPruneIntervalMs = 10000;
        s.historyPruneMaxRows = 10000;
        s.historyStatementTimeoutS = 2;
        return s;
    }

    public static HubSettings withHeartbeatTimeout(long timeoutMs) {
        HubSettings s = defaults();
        s.heartbeatTimeoutMs = timeoutMs;
        return s;
    }

    public static HubSettings with(int maxSubscriptions, int publishPerSecond) {
        HubSettings s = defaults();
        s.maxSubscriptions = maxSubscriptions;
        s.publishPerSecond = publishPerSecond;
        return s;
    }
}
