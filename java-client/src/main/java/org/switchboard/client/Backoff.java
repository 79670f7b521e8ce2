package org.switchboard.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The reconnect rules shared with the browser client (docs/client.md): full-jitter exponential
 * backoff, a delay uniform in [{@code min}, min({@code cap}, {@code base}·2ⁿ)); the attempt count
 * resets only after a connection stayed up {@code stable}, so a hub that accepts and drops at once
 * is never hit in a tight loop; after a stable connection ends with 1001, 1012 or 4003 the next
 * attempt comes within {@code prompt}.
 */
public record Backoff(Duration base, Duration cap, Duration prompt, Duration stable, Duration min) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15),
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(50));

    /** The delay before attempt {@code attempt} (0 for the first after a stable connection). */
    public long delayMs(int attempt, DoubleSupplier random) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << Math.min(attempt, 30)));
        return Math.max(min.toMillis(), (long) Math.floor(random.getAsDouble() * ceiling));
    }

    public long promptDelayMs(DoubleSupplier random) {
        return (long) Math.floor(random.getAsDouble() * prompt.toMillis());
    }
}
