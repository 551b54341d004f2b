package io.mqttbridge.core.transport;

import java.util.Objects;

/**
 * A subscription: a topic filter as sent to the broker (including any {@code $share/GROUP/} prefix) and the
 * maximum QoS requested.
 */
public record Subscription(String filter, int qos) {
    public Subscription {
        Objects.requireNonNull(filter, "filter");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, was " + qos);
        }
    }
}
