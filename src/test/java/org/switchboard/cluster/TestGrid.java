package org.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** Embedded Hazelcast members for unit tests: loopback only, no discovery beyond 127.0.0.1. */
public final class TestGrid {

    private static final int FIRST_PORT = 5900;

    private TestGrid() {
    }

    /** A member of {@code clusterName}; with {@code join}, it finds the cluster's other members on this host. */
    public static HazelcastInstance member(String clusterName, boolean join) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().setPort(FIRST_PORT).setPortAutoIncrement(true).setPortCount(10);
        JoinConfig joinConfig = config.getNetworkConfig().getJoin();
        joinConfig.getMulticastConfig().setEnabled(false);
        joinConfig.getAutoDetectionConfig().setEnabled(false);
        joinConfig.getTcpIpConfig().setEnabled(join);
        if (join) {
            joinConfig.getTcpIpConfig().addMember("127.0.0.1"); // without a port: the configured port and the next nine
        }
        return Hazelcast.newHazelcastInstance(config);
    }
}
