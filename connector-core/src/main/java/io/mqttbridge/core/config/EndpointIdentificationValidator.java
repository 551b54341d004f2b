package io.mqttbridge.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validates {@code mqtt.ssl.endpoint.identification.algorithm}: {@code https} or empty. */
public final class EndpointIdentificationValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || value.toString().isEmpty() || "https".equalsIgnoreCase(value.toString())) {
            return;
        }
        throw new ConfigException(name, value, "must be 'https' (check the broker's host name) or empty (no check)");
    }

    @Override
    public String toString() {
        return "https, or empty";
    }
}
