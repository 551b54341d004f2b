package io.mqttbridge.core.codec;

import org.apache.kafka.connect.data.Schema;

/** Turns a Kafka Connect value into an MQTT payload. Implementations are immutable and thread-safe. */
public interface PayloadEncoder {
    /**
     * Encodes one value.
     *
     * @param schema the value's Connect schema, or {@code null} for schemaless data (the value's Java type then
     *     decides its form)
     * @param value the value, never {@code null}: tombstones are the caller's business; encoders do not modify it,
     *     and the {@code bytes} encoder returns a {@code byte[]} value itself as the payload
     * @throws PayloadEncodingException if the value cannot be written in this format, saying what is wrong and
     *     where (e.g. the field path)
     */
    byte[] encode(Schema schema, Object value) throws PayloadEncodingException;
}
