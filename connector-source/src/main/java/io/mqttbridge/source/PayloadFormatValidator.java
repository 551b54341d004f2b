package io.mqttbridge.source;

import io.mqttbridge.core.codec.PayloadFormat;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Validates {@code payload.format} against {@link PayloadFormat}'s configuration values, ignoring case. */
final class PayloadFormatValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        try {
            PayloadFormat.fromConfigValue(String.valueOf(value).trim().toLowerCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new ConfigException(name, value, "must be one of " + this);
        }
    }

    @Override
    public String toString() {
        return Arrays.stream(PayloadFormat.values()).map(PayloadFormat::configValue)
            .collect(Collectors.joining(", "));
    }
}
