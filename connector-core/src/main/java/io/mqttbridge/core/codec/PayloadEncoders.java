package io.mqttbridge.core.codec;

import java.util.Objects;

/** Creates the {@link PayloadEncoder} for a {@link PayloadFormat}. */
public final class PayloadEncoders {
    private PayloadEncoders() {
    }

    /**
     * Creates an encoder. For {@code avro} this reads and checks the schema file once.
     *
     * @param options settings; {@code null} means {@link EncoderOptions#defaults()}
     * @throws IllegalArgumentException if the options do not fit the format (no Avro schema file, or an
     *     unreadable or invalid one), naming the file and the problem
     */
    public static PayloadEncoder create(PayloadFormat format, EncoderOptions options) {
        Objects.requireNonNull(format, "format");
        EncoderOptions opts = options == null ? EncoderOptions.defaults() : options;
        return switch (format) {
            case BYTES -> new BytesPayloadEncoder();
            case STRING -> new StringPayloadEncoder();
            case JSON -> new JsonPayloadEncoder();
            case AVRO -> {
                if (opts.avroSchemaFile() == null) {
                    throw new IllegalArgumentException(
                            "payload format 'avro' needs an Avro schema file (.avsc), but none was given");
                }
                yield AvroPayloadEncoder.fromSchemaFile(opts.avroSchemaFile());
            }
        };
    }
}
