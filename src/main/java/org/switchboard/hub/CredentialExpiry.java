package org.switchboard.hub;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.config.SecuritySettings;
import org.switchboard.connection.Connection;
import org.switchboard.connection.HubExecutors;
import org.switchboard.protocol.CloseCodes;
import org.switchboard.protocol.OutboundCodec;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Ends connections whose token expires: an {@code expiring} envelope
 * {@code switchboard.security.expiry-warning-s} before, so the client can {@code refresh} in place,
 * then close code 4003 at the expiry. One scheduled step per connection with an expiring credential.
 */
@ApplicationScoped
public class CredentialExpiry {

    private static final Logger LOG = Logger.getLogger(CredentialExpiry.class.getName());

    @Inject
    SecuritySettings settings;
    @Inject
    HubExecutors executors;

    /** (Re)starts the watch on the connection's current credential. */
    public void watch(Connection connection) {
        Instant expires = connection.identity().expiresAt();
        connection.expiry(null);
        if (expires == null) {
            return;
        }
        long warnAt = expires.toEpochMilli() - settings.expiryWarningS() * 1000L;
        long delay = Math.max(0, warnAt - System.currentTimeMillis());
        connection.expiryIfNone(executors.scheduler().schedule(() -> warn(connection, expires), delay, TimeUnit.MILLISECONDS));
    }

    private void warn(Connection connection, Instant expires) {
        if (connection.isClosing() || !expires.equals(connection.identity().expiresAt())) {
            return;
        }
        connection.send(OutboundCodec.expiring(expires.toEpochMilli()));
        long delay = Math.max(0, expires.toEpochMilli() - System.currentTimeMillis());
        connection.expiry(executors.scheduler().schedule(() -> expire(connection, expires), delay, TimeUnit.MILLISECONDS));
    }

    private void expire(Connection connection, Instant expires) {
        if (!expires.equals(connection.identity().expiresAt())) {
            return;
        }
        if (connection.closeAfterDrain(CloseCodes.tokenExpired(), executors.scheduler(), 1000)) {
            LOG.fine(() -> "closed " + connection + ": token expired");
        }
    }
}
