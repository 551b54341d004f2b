package io.mqttbridge.core.codec;

import org.apache.kafka.connect.data.SchemaAndValue;

/** Turns an MQTT payload into a Kafka Connect value. Implementations are thread-safe. */
public interface PayloadDecoder {
    /**
     * Decodes one payload.
     *
     * @param mqttTopic the topic the message arrived on (for decoders that depend on it; error messages do not
     *     repeat it, the caller knows it)
     * @param payload the message payload, never {@code null}; decoders do not modify it, and the caller must not
     *     modify it afterwards, as the {@code bytes} decoder returns it as the value
     * @throws PayloadDecodingException if the payload is not valid in this format, saying what is wrong
     */
    SchemaAndValue decode(String mqttTopic, byte[] payload) throws PayloadDecodingException;
}
