package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.logging.Logger;

/**
 * What administrators did, in the server log under one stable prefix ({@value #PREFIX}) that log
 * shippers and {@code grep} can select: who, what, when, on what, and how it ended.
 */
@ApplicationScoped
public class AuditLog {

    public static final String PREFIX = "SWITCHBOARD-AUDIT";
    private static final Logger LOG = Logger.getLogger("org.switchboard.audit");

    /** @param who the administrator (subject, or "jmx:&lt;user&gt;" for an MBean operation) */
    public void record(String who, String action, String target, String outcome) {
        LOG.info(PREFIX + " at=" + Instant.now() + " who=" + quote(who) + " action=" + action + " target=" + quote(target)
                + " outcome=" + quote(outcome));
    }

    private static String quote(String value) {
        if (value == null) {
            return "-";
        }
        String clean = value.replaceAll("[\\r\\n\\t]", " ");
        return clean.matches("[A-Za-z0-9._:@/-]+") ? clean : '"' + clean.replace("\"", "'") + '"';
    }
}
