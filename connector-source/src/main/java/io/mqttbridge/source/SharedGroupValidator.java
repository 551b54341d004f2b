package io.mqttbridge.source;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validates {@code mqtt.shared.subscription.group}: empty, or a name without {@code /}, {@code +} or {@code #}. */
final class SharedGroupValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || value.toString().isEmpty()) {
            return;
        }
        String group = value.toString();
        if (group.isBlank() || group.chars().anyMatch(c -> c == '/' || c == '+' || c == '#')) {
            throw new ConfigException(name, value, "a shared subscription group name must not be blank or contain "
                + "'/', '+' or '#', e.g. plant-ingest");
        }
    }

    @Override
    public String toString() {
        return "name without '/', '+' or '#', or empty";
    }
}
