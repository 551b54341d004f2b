package io.mqttbridge.core.config;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Adds the problems that span keys to what {@code Connector.validate()} found key by key, each on the key it
 * belongs to, so {@code PUT /connector-plugins/{class}/config/validate} names every bad key.
 */
public final class CrossKeyValidation {
    private CrossKeyValidation() {
    }

    /**
     * Runs {@code crossKeyProblems} over the values that passed their own validators and adds its messages.
     *
     * @param validated what {@code super.validate(...)} returned
     * @param crossKeyProblems problems by key, from the values that are valid on their own
     * @return {@code validated}, with the messages added
     */
    public static Config apply(Config validated, Function<Map<String, Object>, Map<String, List<String>>> crossKeyProblems) {
        Map<String, ConfigValue> byName = validated.configValues().stream()
            .collect(Collectors.toMap(ConfigValue::name, Function.identity(), (a, b) -> a));
        Map<String, Object> validValues = new HashMap<>();
        for (ConfigValue value : validated.configValues()) {
            if (value.errorMessages().isEmpty()) {
                validValues.put(value.name(), value.value());
            }
        }
        crossKeyProblems.apply(validValues).forEach((key, messages) -> {
            ConfigValue value = byName.get(key);
            if (value != null) {
                messages.forEach(value::addErrorMessage);
            }
        });
        return validated;
    }
}
