package org.switchboard.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Abuse limits checked before the upgrade: handshakes per second per IP address (a token bucket
 * with a burst of twice the rate) and open connections per address and per authenticated subject
 * on this member. A client over a limit is refused with HTTP 429 and {@code Retry-After}; the
 * per-member cap ({@code ConnectionCap}) and the per-connection publish rate stay as they are.
 */
public final class AdmissionLimits {

    /** What a refused handshake exceeded. */
    public enum Exceeded {
        HANDSHAKE_RATE("handshakes per second from this address"),
        ADDRESS_CONNECTIONS("connections from this address"),
        SUBJECT_CONNECTIONS("connections of this user");

        private final String words;

        Exceeded(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private static final long IDLE_BUCKET_NANOS = 60_000_000_000L;

    private final int handshakesPerSecond;
    private final int perAddress;
    private final int perSubject;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> bySubject = new ConcurrentHashMap<>();
    private final AtomicLong sinceSweep = new AtomicLong();

    public AdmissionLimits(int handshakesPerSecond, int perAddress, int perSubject) {
        this.handshakesPerSecond = handshakesPerSecond;
        this.perAddress = perAddress;
        this.perSubject = perSubject;
    }

    /** Takes one handshake from the address's bucket; null when allowed, else what was exceeded. */
    public Exceeded handshake(String address, long nowNanos) {
        if (handshakesPerSecond <= 0) {
            return null;
        }
        if (sinceSweep.incrementAndGet() % 4096 == 0) {
            buckets.values().removeIf(b -> b.idleSince(nowNanos) > IDLE_BUCKET_NANOS);
        }
        Bucket bucket = buckets.computeIfAbsent(address, a -> new Bucket(2.0 * handshakesPerSecond, nowNanos));
        return bucket.take(handshakesPerSecond, 2.0 * handshakesPerSecond, nowNanos) ? null : Exceeded.HANDSHAKE_RATE;
    }

    /** Whether another connection fits for this address and subject (null subject: anonymous). */
    public Exceeded room(String address, String subject) {
        if (perAddress > 0 && count(byAddress, address) >= perAddress) {
            return Exceeded.ADDRESS_CONNECTIONS;
        }
        if (perSubject > 0 && subject != null && count(bySubject, subject) >= perSubject) {
            return Exceeded.SUBJECT_CONNECTIONS;
        }
        return null;
    }

    public void opened(String address, String subject) {
        take(byAddress, address);
        take(bySubject, subject);
    }

    public void closed(String address, String subject) {
        release(byAddress, address);
        release(bySubject, subject);
    }

    /** Seconds a client refused for {@code exceeded} should wait. */
    public static int retryAfterSeconds(Exceeded exceeded) {
        return exceeded == Exceeded.HANDSHAKE_RATE ? 1 : 10;
    }

    private static int count(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
        AtomicInteger n = key == null ? null : counts.get(key);
        return n == null ? 0 : n.get();
    }

    private static void take(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
        if (key != null) {
            counts.compute(key, (k, n) -> {
                AtomicInteger count = n == null ? new AtomicInteger() : n;
                count.incrementAndGet();
                return count;
            });
        }
    }

    private static void release(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
        if (key != null) {
            counts.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(double rate, double burst, long now) {
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized long idleSince(long now) {
            return now - last;
        }
    }
}
