package io.mqttbridge.core.codec;

import java.nio.file.Path;

/**
 * Settings for {@link PayloadEncoders#create}.
 *
 * @param avroSchemaFile for {@code avro}: the {@code .avsc} file holding the schema to write; ignored otherwise
 */
public record EncoderOptions(Path avroSchemaFile) {

    /** No Avro schema file. */
    public static EncoderOptions defaults() {
        return new EncoderOptions(null);
    }
}
