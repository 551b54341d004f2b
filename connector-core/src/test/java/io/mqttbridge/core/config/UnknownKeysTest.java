package io.mqttbridge.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnknownKeysTest {
    private static final ConfigDef DEF = new ConfigDef()
        .define("mqtt.topics", ConfigDef.Type.LIST, ConfigDef.Importance.HIGH, "filters")
        .define("mqtt.qos", ConfigDef.Type.INT, 1, ConfigDef.Importance.HIGH, "qos");

    @Test
    void frameworkAndOwnKeysPassWithoutAWord() {
        assertEquals(List.of(), UnknownKeys.find(DEF, Map.of("name", "n", "connector.class", "C", "tasks.max", "2",
            "mqtt.topics", "a/#", "mqtt.qos", "1", "transforms", "t", "transforms.t.type", "X",
            "errors.deadletterqueue.topic.name", "dlq", "value.converter.schemas.enable", "false",
            "producer.override.linger.ms", "5")));
    }

    @Test
    void aTypoIsNamedWithTheNearestKeyAndNoValue() {
        assertEquals(List.of("Unknown config key 'mqtt.topic' is ignored (did you mean 'mqtt.topics'?)",
                "Unknown config key 'unrelated.setting' is ignored"),
            UnknownKeys.find(DEF, Map.of("mqtt.topic", "secret-value", "unrelated.setting", "x")));
    }

    @Test
    void distanceCountsEdits() {
        assertEquals(0, UnknownKeys.distance("abc", "abc"));
        assertEquals(1, UnknownKeys.distance("mqtt.qos", "mqtt.qo"));
        assertEquals(2, UnknownKeys.distance("kitten", "sitten1"));
    }
}
