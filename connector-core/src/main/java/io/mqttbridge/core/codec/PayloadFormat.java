package io.mqttbridge.core.codec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** How an MQTT payload is read into (or written from) a Kafka Connect value; the {@code payload.format} setting. */
public enum PayloadFormat {
    /** The payload bytes as they are, {@code Schema.BYTES_SCHEMA}. */
    BYTES,
    /** Strict UTF-8 text, {@code Schema.STRING_SCHEMA}. */
    STRING,
    /** A JSON document: a {@code Struct} with an inferred schema, or schemaless maps and lists. */
    JSON,
    /** An Avro binary datum of the schema in a {@code .avsc} file. */
    AVRO;

    /**
     * The format for a config value: {@code bytes}, {@code string}, {@code json} or {@code avro}, ignoring case and
     * surrounding whitespace.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static PayloadFormat fromConfigValue(String value) {
        Objects.requireNonNull(value, "value");
        String wanted = value.strip();
        for (PayloadFormat format : values()) {
            if (format.configValue().equalsIgnoreCase(wanted)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown payload format '" + value + "'; expected one of "
                + Arrays.stream(values()).map(PayloadFormat::configValue).collect(Collectors.joining(", ")));
    }

    /** The value as written in a connector config, e.g. {@code json}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
