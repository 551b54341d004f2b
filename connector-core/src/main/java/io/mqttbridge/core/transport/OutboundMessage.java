package io.mqttbridge.core.transport;

import java.util.Objects;

/** A message to publish. Properties other than {@link MqttProperties#EMPTY} need MQTT 5. */
public record OutboundMessage(String topic, byte[] payload, int qos, boolean retained, MqttProperties properties) {
    public OutboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, was " + qos);
        }
    }

    @Override
    public String toString() {
        return "OutboundMessage[topic=" + topic + ", qos=" + qos + ", bytes=" + payload.length + ", retained="
            + retained + "]";
    }
}
