package io.mqttbridge.azure;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Adds the problems that span keys to Connect's per-key validation, on the keys they belong to. */
final class CrossKeyValidation {
    private CrossKeyValidation() {
    }

    static Config apply(Config config, Function<Map<String, ?>, Map<String, List<String>>> crossKeyProblems) {
        Map<String, ConfigValue> byName = config.configValues().stream()
            .collect(Collectors.toMap(ConfigValue::name, Function.identity(), (a, b) -> a));
        Map<String, Object> validValues = new HashMap<>();
        for (ConfigValue value : config.configValues()) {
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
        return config;
    }
}
