package org.switchboard.connection;

/**
 * Token bucket: {@code perSecond} tokens refill per second, bursts up to one second's worth.
 * Called only from the owning connection's message handling, hence synchronized but uncontended.
 */
public final class RateLimiter {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    public RateLimiter(int perSecond, long nowNanos) {
        this.capacity = Math.max(1, perSecond);
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    public synchronized boolean tryAcquire(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
