package io.mqttbridge.core.codec;

import java.util.Objects;

/** Creates the {@link PayloadEncoder} for a {@link PayloadFormat}. */
public final class PayloadEncoders {
    private PayloadEncoders() {
    }

    /**
     * Creates an encoder.
     *
     * @param options settings; {@code null} means {@link EncoderOptions#defaults()}
     */
    public static PayloadEncoder create(PayloadFormat format, EncoderOptions options) {
        Objects.requireNonNull(format, "format");
        return switch (format) {
            case BYTES -> new BytesPayloadEncoder();
            case STRING -> new StringPayloadEncoder();
            case JSON -> new JsonPayloadEncoder();
            // Not yet written; the Avro encoder follows.
            case AVRO -> throw new UnsupportedOperationException(
                    "payload format '" + format.configValue() + "' has no encoder yet");
        };
    }
}
