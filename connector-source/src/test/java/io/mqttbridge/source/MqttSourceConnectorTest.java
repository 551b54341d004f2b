package io.mqttbridge.source;

import io.mqttbridge.core.Version;
import io.mqttbridge.core.config.MqttConnectionConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttSourceConnectorTest {

    static Map<String, String> props(String... kv) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "plant-source");
        props.put(MqttConnectionConfig.SERVER_URIS_CONFIG, "tcp://127.0.0.1:1883");
        props.put(MqttSourceConfig.TOPICS_CONFIG, "plant/+/telemetry");
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        return new MqttSourceConnector().validate(props).configValues().stream()
            .filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    /** Validation reports exactly one bad key, and its message holds every fragment. */
    private static void assertOnlyError(Map<String, String> props, String key, String... fragments) {
        Map<String, List<String>> errors = errors(props);
        assertEquals(List.of(key), List.copyOf(errors.keySet()), () -> "errors: " + errors);
        String message = String.join(" | ", errors.get(key));
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "'" + fragment + "' missing from: " + message);
        }
        // start() fails fast on the same problem
        ConfigException e = assertThrows(ConfigException.class, () -> new MqttSourceConnector().start(props));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void aMinimalConfigIsValid() {
        assertEquals(Map.of(), errors(props()));
        new MqttSourceConnector().start(props());
    }

    @Test
    void missingRequiredKeysAreReported() {
        Map<String, String> props = props();
        props.remove(MqttSourceConfig.TOPICS_CONFIG);
        props.remove(MqttConnectionConfig.SERVER_URIS_CONFIG);
        Map<String, List<String>> errors = errors(props);
        assertTrue(errors.containsKey(MqttSourceConfig.TOPICS_CONFIG), errors.toString());
        assertTrue(errors.containsKey(MqttConnectionConfig.SERVER_URIS_CONFIG), errors.toString());
    }

    @Test
    void badFilterIsNamed() {
        assertOnlyError(props(MqttSourceConfig.TOPICS_CONFIG, "plant/#/telemetry"), MqttSourceConfig.TOPICS_CONFIG,
            "'plant/#/telemetry'");
        assertOnlyError(props(MqttSourceConfig.TOPICS_CONFIG, "a/b,plant/te+mp"), MqttSourceConfig.TOPICS_CONFIG,
            "'plant/te+mp'");
    }

    @Test
    void badServerUriIsNamed() {
        assertOnlyError(props(MqttConnectionConfig.SERVER_URIS_CONFIG, "mqtt://broker:1883"),
            MqttConnectionConfig.SERVER_URIS_CONFIG, "'mqtt://broker:1883'", "tcp://");
    }

    @Test
    void templateSyntaxErrorsGoToTheirKey() {
        assertOnlyError(props(MqttSourceConfig.KAFKA_TOPIC_CONFIG, "plant.${1"), MqttSourceConfig.KAFKA_TOPIC_CONFIG,
            "plant.${1");
        assertOnlyError(props(MqttSourceConfig.RECORD_KEY_CONFIG, "${}"), MqttSourceConfig.RECORD_KEY_CONFIG, "${}");
    }

    @Test
    void captureBeyondTheWildcardsOfSomeFilterIsRefused() {
        assertOnlyError(props(MqttSourceConfig.TOPICS_CONFIG, "plant/+/+/x,plant/+/telemetry",
                MqttSourceConfig.KAFKA_TOPIC_CONFIG, "plant.${2}"), MqttSourceConfig.KAFKA_TOPIC_CONFIG,
            "${2}", "'plant/+/telemetry'", "only 1");
        assertOnlyError(props(MqttSourceConfig.RECORD_KEY_CONFIG, "${3}"), MqttSourceConfig.RECORD_KEY_CONFIG,
            "${3}", "'plant/+/telemetry'");
        assertEquals(Map.of(), errors(props(MqttSourceConfig.KAFKA_TOPIC_CONFIG, "plant.${1}.telemetry",
            MqttSourceConfig.RECORD_KEY_CONFIG, "${1}")));
    }

    @Test
    void unknownTemplateVariablesAreRefused() {
        assertOnlyError(props(MqttSourceConfig.KAFKA_TOPIC_CONFIG, "plant.${device}"),
            MqttSourceConfig.KAFKA_TOPIC_CONFIG, "unknown variable ${device}", "${mqtt.topic}");
        assertOnlyError(props(MqttSourceConfig.RECORD_KEY_CONFIG, "${0}"), MqttSourceConfig.RECORD_KEY_CONFIG,
            "unknown variable ${0}");
    }

    @Test
    void illegalLiteralTextInTheKafkaTopicIsRefusedButNotInTheKey() {
        assertOnlyError(props(MqttSourceConfig.KAFKA_TOPIC_CONFIG, "plant/${1}"), MqttSourceConfig.KAFKA_TOPIC_CONFIG,
            "legal Kafka topic name");
        assertEquals(Map.of(), errors(props(MqttSourceConfig.RECORD_KEY_CONFIG, "device/${1} #key")));
        assertEquals(Map.of(), errors(props(MqttSourceConfig.RECORD_KEY_CONFIG, "")));
    }

    @Test
    void avroWithoutSchemaFileIsRefused(@TempDir Path dir) {
        assertOnlyError(props(MqttSourceConfig.PAYLOAD_FORMAT_CONFIG, "avro"),
            MqttSourceConfig.PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, "payload.format=avro", ".avsc");
        assertOnlyError(props(MqttSourceConfig.PAYLOAD_FORMAT_CONFIG, "avro",
                MqttSourceConfig.PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, dir.resolve("missing.avsc").toString()),
            MqttSourceConfig.PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, "missing.avsc", "does not exist");
    }

    @Test
    void anAvroSchemaFileThatIsNoSchemaIsRefused(@TempDir Path dir) throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("bad.avsc"), "{\"type\": \"nope\"}");
        assertOnlyError(props(MqttSourceConfig.PAYLOAD_FORMAT_CONFIG, "avro",
                MqttSourceConfig.PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, file.toString()),
            MqttSourceConfig.PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, "bad.avsc", "Avro schema");
    }

    @Test
    void unknownPayloadFormatIsRefused() {
        assertOnlyError(props(MqttSourceConfig.PAYLOAD_FORMAT_CONFIG, "protobuf"),
            MqttSourceConfig.PAYLOAD_FORMAT_CONFIG, "json");
    }

    @Test
    void sharedGroupNeedsMqtt5AndAValidName() {
        assertOnlyError(props(MqttSourceConfig.SHARED_SUBSCRIPTION_GROUP_CONFIG, "ingest",
                MqttConnectionConfig.VERSION_CONFIG, "3.1.1"), MqttSourceConfig.SHARED_SUBSCRIPTION_GROUP_CONFIG,
            "MQTT 5", "mqtt.version=5");
        assertOnlyError(props(MqttSourceConfig.SHARED_SUBSCRIPTION_GROUP_CONFIG, "a/b"),
            MqttSourceConfig.SHARED_SUBSCRIPTION_GROUP_CONFIG, "'/'");
    }

    @Test
    void qosOutOfRangeIsRefused() {
        assertOnlyError(props(MqttSourceConfig.QOS_CONFIG, "3"), MqttSourceConfig.QOS_CONFIG, "3");
        assertOnlyError(props(MqttSourceConfig.QOS_CONFIG, "-1"), MqttSourceConfig.QOS_CONFIG, "-1");
    }

    @Test
    void badDeadLetterTopicIsRefused() {
        assertOnlyError(props(MqttSourceConfig.DLQ_TOPIC_CONFIG, "plant/dlq"), MqttSourceConfig.DLQ_TOPIC_CONFIG,
            "plant/dlq");
    }

    @Test
    void backoffAboveMaximumIsRefused() {
        assertOnlyError(props(MqttConnectionConfig.RECONNECT_BACKOFF_MS_CONFIG, "60000"),
            MqttConnectionConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "60000");
    }

    @Test
    void errorsToleranceIsLeftToTheFramework() {
        assertFalse(MqttSourceConfig.CONFIG_DEF.names().contains(MqttSourceConfig.ERRORS_TOLERANCE_CONFIG));
        assertTrue(new MqttSourceConfig(props("errors.tolerance", "all")).toleratesAllErrors());
        assertFalse(new MqttSourceConfig(props()).toleratesAllErrors());
    }

    @Test
    void connectorBasics() {
        MqttSourceConnector connector = new MqttSourceConnector();
        assertSame(MqttSourceConfig.CONFIG_DEF, connector.config());
        assertEquals(MqttSourceTask.class, connector.taskClass());
        assertEquals(Version.get(), connector.version());
        assertTrue(ServiceLoader.load(SourceConnector.class).stream()
            .anyMatch(p -> p.type() == MqttSourceConnector.class), "META-INF/services manifest lists the connector");
    }
}
