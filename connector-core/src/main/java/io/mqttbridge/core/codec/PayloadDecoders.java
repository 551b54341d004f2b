package io.mqttbridge.core.codec;

import java.util.Objects;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/** Creates the {@link PayloadDecoder} for a {@link PayloadFormat}. */
public final class PayloadDecoders {
    private PayloadDecoders() {
    }

    /**
     * Creates a decoder. For {@code avro} this reads and checks the schema file once.
     *
     * @param options settings; {@code null} means {@link DecoderOptions#defaults()}
     * @throws IllegalArgumentException if the options do not fit the format (no Avro schema file, an unreadable
     *     or invalid one, or an Avro schema that Kafka Connect cannot represent), naming the file and the problem
     */
    public static PayloadDecoder create(PayloadFormat format, DecoderOptions options) {
        Objects.requireNonNull(format, "format");
        DecoderOptions opts = options == null ? DecoderOptions.defaults() : options;
        return switch (format) {
            case BYTES -> (topic, payload) -> new SchemaAndValue(Schema.BYTES_SCHEMA, payload);
            case STRING -> new StringPayloadDecoder();
            case JSON -> new JsonPayloadDecoder(opts.jsonSchemaless());
            case AVRO -> {
                if (opts.avroSchemaFile() == null) {
                    throw new IllegalArgumentException(
                            "payload format 'avro' needs an Avro schema file (.avsc), but none was given");
                }
                yield AvroPayloadDecoder.fromSchemaFile(opts.avroSchemaFile());
            }
        };
    }
}
