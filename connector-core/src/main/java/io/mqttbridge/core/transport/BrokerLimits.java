package io.mqttbridge.core.transport;

/**
 * What the broker told this client it supports: from the MQTT 5 CONNACK (Maximum QoS, Retain Available, Shared
 * Subscription Available, Maximum Packet Size), or learnt from its answers where MQTT 3.1.1 announces nothing (a
 * PUBACK answering a QoS 2 PUBLISH means the broker handles QoS 1 at most).
 *
 * @param maximumQos the highest QoS the broker accepts and delivers (0, 1 or 2)
 * @param retainAvailable whether the broker keeps retained messages
 * @param sharedSubscriptionAvailable whether {@code $share/GROUP/filter} subscriptions are supported
 * @param maximumPacketSize the largest packet the broker accepts, in bytes; 0 when it set no limit
 * @param source where {@code maximumQos} comes from, for error messages, e.g. "CONNACK Maximum QoS"
 */
public record BrokerLimits(int maximumQos, boolean retainAvailable, boolean sharedSubscriptionAvailable,
                           long maximumPacketSize, String source) {

    /** What a broker that announced nothing is assumed to support: everything. */
    public static final BrokerLimits UNANNOUNCED = new BrokerLimits(2, true, true, 0, "nothing announced");

    public BrokerLimits {
        if (maximumQos < 0 || maximumQos > 2) {
            throw new IllegalArgumentException("maximumQos must be 0, 1 or 2, was " + maximumQos);
        }
    }

    /** These limits with a lower maximum QoS, learnt from {@code source}. */
    public BrokerLimits withMaximumQos(int qos, String newSource) {
        return new BrokerLimits(qos, retainAvailable, sharedSubscriptionAvailable, maximumPacketSize, newSource);
    }
}
