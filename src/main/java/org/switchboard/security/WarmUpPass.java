package org.switchboard.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Lets the member's own warm-up client through the handshake while the member warms up, and nobody
 * else: a random 256-bit secret, made when the warm-up starts and forgotten when it ends, presented
 * in a header from a loopback address. The identity it gives is {@link Identity.Source#SYSTEM},
 * which the channel rules confine to warm-up channels ({@code switchboard-warm-up.*}, live-only).
 * While the pass is open the member is warming: every other handshake is refused (503, Retry-After).
 */
@ApplicationScoped
public class WarmUpPass {

    public static final String HEADER = "X-Switchboard-Warm-Up";

    private static final SecureRandom RANDOM = new SecureRandom();

    private volatile byte[] secret;

    /** Opens the pass; returns the header value the warm-up client presents. */
    public String open() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = HexFormat.of().formatHex(bytes);
        secret = value.getBytes(StandardCharsets.US_ASCII);
        return value;
    }

    public void close() {
        secret = null;
    }

    /** Whether the member is warming up (the pass is open). */
    public boolean isOpen() {
        return secret != null;
    }

    /** Whether this handshake is the member's own warm-up client. */
    public boolean admits(HttpServletRequest request) {
        byte[] expected = secret;
        String presented = request.getHeader(HEADER);
        return expected != null && presented != null && isLoopback(request.getRemoteAddr())
                && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
    }

    public static Identity identity() {
        return new Identity("switchboard-warm-up", "warm-up", Set.of(), Map.of(), null, Identity.Source.SYSTEM);
    }

    private static boolean isLoopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
