package io.mqttbridge.core.transport;

import java.util.Objects;

/**
 * A message received from the broker.
 *
 * @param topic the topic it was published to
 * @param payload the payload bytes, never null
 * @param qos the QoS it was delivered with
 * @param retained whether the broker sent it as a retained message
 * @param duplicate the DUP flag: the broker may have sent it before
 * @param messageId the packet id (0 for QoS 0); unique only within one connection
 * @param connectionEpoch which connection attempt of this transport delivered it: numbers grow with every attempt,
 *     failed ones included, and are never reused (0: recovered from the store of an earlier client); an ack is sent
 *     only on the connection the message arrived on
 * @param properties MQTT 5 properties; {@link MqttProperties#EMPTY} for MQTT 3.1.1
 */
public record InboundMessage(String topic, byte[] payload, int qos, boolean retained, boolean duplicate,
                             int messageId, long connectionEpoch, MqttProperties properties) {
    public InboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public String toString() {
        return "InboundMessage[topic=" + topic + ", qos=" + qos + ", id=" + messageId + ", epoch=" + connectionEpoch
            + ", bytes=" + payload.length + ", retained=" + retained + ", dup=" + duplicate + "]";
    }
}
