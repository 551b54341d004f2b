package io.mqttbridge.core.codec;

import java.nio.file.Path;

/**
 * Settings for {@link PayloadDecoders#create}.
 *
 * @param jsonSchemaless for {@code json}: {@code true} gives schemaless maps, lists and primitives (as Kafka's
 *     {@code JsonConverter} with {@code schemas.enable=false}); {@code false} gives values with an inferred schema
 * @param avroSchemaFile for {@code avro}: the {@code .avsc} file holding the writer's schema; ignored otherwise
 */
public record DecoderOptions(boolean jsonSchemaless, Path avroSchemaFile) {

    /** JSON with inferred schemas, no Avro schema file. */
    public static DecoderOptions defaults() {
        return new DecoderOptions(false, null);
    }
}
