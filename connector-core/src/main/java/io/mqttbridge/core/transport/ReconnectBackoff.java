package io.mqttbridge.core.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Delays between reconnect attempts: the first delay, doubled per failed attempt up to the maximum, each varied by
 * up to 20% either way so that many tasks that lost the same broker do not return in lock step.
 */
public final class ReconnectBackoff {
    private static final double JITTER = 0.2;

    private final long initialMs;
    private final long maxMs;
    private final DoubleSupplier random;

    public ReconnectBackoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform values in [0, 1) */
    ReconnectBackoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.random = random;
    }

    /** The delay before attempt {@code attempt} (1 for the first attempt after the connection was lost). */
    public Duration delay(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long base = Math.min(maxMs, initialMs << doublings);
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.min(maxMs, Math.round(base * factor))));
    }
}
