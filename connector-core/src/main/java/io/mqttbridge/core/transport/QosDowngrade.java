package io.mqttbridge.core.transport;

import java.util.Locale;

/**
 * What a connector does when the broker supports a lower QoS than {@code mqtt.qos} asks for (a SUBACK granting
 * less, an MQTT 5 CONNACK with a lower Maximum QoS, a PUBACK answering a QoS 2 PUBLISH).
 */
public enum QosDowngrade {
    /** Fail the task with an error that names the broker's limit: the delivery guarantee asked for is not there. */
    FAIL,
    /** Carry on at the broker's QoS, logging the downgrade once at WARN. */
    ACCEPT;

    /** The key both MQTT connectors define. */
    public static final String CONFIG = "mqtt.qos.downgrade";
    public static final String DEFAULT = "fail";
    public static final String DOC = "What to do when the broker supports a lower QoS than mqtt.qos (it grants "
        + "less in its SUBACK, announces a lower Maximum QoS in its MQTT 5 CONNACK, or answers a QoS 2 publish with "
        + "a PUBACK, as RabbitMQ does): fail (default) fails the task with an error naming the broker's limit; "
        + "accept carries on at the broker's QoS and logs the downgrade once at WARN.";

    /** The value as written in a configuration. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code fail} or {@code accept}, ignoring case. */
    public static QosDowngrade fromConfigValue(String value) {
        for (QosDowngrade d : values()) {
            if (d.configValue().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException(CONFIG + " must be fail or accept, was: " + value);
    }
}
