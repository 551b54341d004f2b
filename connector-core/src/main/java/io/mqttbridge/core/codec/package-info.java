/**
 * Payload codecs: turn MQTT payloads into Kafka Connect values in the formats of {@code payload.format}
 * ({@link io.mqttbridge.core.codec.PayloadFormat}), created by {@link io.mqttbridge.core.codec.PayloadDecoders}.
 */
package io.mqttbridge.core.codec;
