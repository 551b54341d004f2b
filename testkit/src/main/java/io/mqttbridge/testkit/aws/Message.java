package io.mqttbridge.testkit.aws;

import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * A message on its way through the broker.
 *
 * @param topic the topic name
 * @param payload the payload (not copied; never modified)
 * @param qos 0 or 1
 * @param retain the RETAIN flag as published
 * @param properties the MQTT 5 properties forwarded to MQTT 5 subscribers (payload format, expiry, content type,
 *     response topic, correlation data, user properties), or {@link MqttProperties#NO_PROPERTIES}
 */
record Message(String topic, byte[] payload, int qos, boolean retain, MqttProperties properties) {
}
