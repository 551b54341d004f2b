package io.mqttbridge.azure;

import io.mqttbridge.core.codec.DecoderOptions;
import io.mqttbridge.core.codec.PayloadFormat;
import io.mqttbridge.core.topic.KafkaTopicName;
import io.mqttbridge.core.topic.TopicTemplate;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of {@link TwinSourceConnector} and its tasks: the IoT Hub connection keys plus the devices whose
 * desired properties are followed and the Kafka topic and format of the records. Parsing fails fast, with the
 * messages {@code validate()} reports.
 */
public final class TwinSourceConfig extends AbstractConfig {

    public static final String DEVICES_GROUP = "Devices";
    public static final String RECORDS_GROUP = "Kafka Records";

    public static final String DEVICE_IDS_CONFIG = "iothub.device.ids";
    public static final String DEVICE_IDS_DOC = "Comma-separated ids of the devices whose desired properties are "
        + "followed. Each has a connection of its own while the connector runs; tasks.max spreads them over tasks.";

    public static final String KAFKA_TOPIC_CONFIG = "kafka.topic";
    public static final String KAFKA_TOPIC_DOC = "Kafka topic of the records: literal text, optionally with "
        + "${device.id}, e.g. iothub.desired or twins.${device.id}.desired (device ids are made legal topic names).";

    public static final String PAYLOAD_FORMAT_CONFIG = "payload.format";
    public static final String PAYLOAD_FORMAT_DEFAULT = "string";
    public static final String PAYLOAD_FORMAT_DOC = "How the desired properties (a JSON object, $version removed) "
        + "become record values: string (default: the JSON text), json (a Struct with an inferred schema, or "
        + "schemaless maps, see payload.json.schemaless) or bytes (the UTF-8 JSON).";

    public static final String PAYLOAD_JSON_SCHEMALESS_CONFIG = "payload.json.schemaless";
    public static final String PAYLOAD_JSON_SCHEMALESS_DOC = "For payload.format=json: true (default) gives "
        + "schemaless maps, which keep the null members that delete properties; false gives Structs with a schema "
        + "inferred per record.";

    /** Task-level key: which task of the connector this is (0-based), set by {@link TwinSourceConnector}. */
    public static final String TASK_ID_CONFIG = "task.id";
    /** Connect's connector name key. */
    public static final String NAME_CONFIG = "name";
    /** The variable of the topic template. */
    public static final String DEVICE_ID_VARIABLE = "device.id";

    /** The IoT Hub connection fragment plus the source keys. */
    public static final ConfigDef CONFIG_DEF = definition();

    public TwinSourceConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        crossKeyProblems(values()).entrySet().stream().findFirst().ifPresent(e -> {
            throw new ConfigException("Invalid value for configuration " + e.getKey() + ": " + e.getValue().get(0));
        });
    }

    private static ConfigDef definition() {
        ConfigDef def = IotHubConnectionConfig.addDefinitions(new ConfigDef());
        def.define(DEVICE_IDS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, DEVICE_IDS_DOC,
            DEVICES_GROUP, 1, Width.LONG, "Device ids");
        int order = 0;
        def.define(KAFKA_TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, KAFKA_TOPIC_DOC, RECORDS_GROUP, ++order, Width.LONG, "Kafka topic")
            .define(PAYLOAD_FORMAT_CONFIG, Type.STRING, PAYLOAD_FORMAT_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("string", "json", "bytes"), Importance.HIGH,
                PAYLOAD_FORMAT_DOC, RECORDS_GROUP, ++order, Width.SHORT, "Payload format")
            .define(PAYLOAD_JSON_SCHEMALESS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                PAYLOAD_JSON_SCHEMALESS_DOC, RECORDS_GROUP, ++order, Width.SHORT, "Schemaless JSON");
        return def;
    }

    /**
     * Problems that span keys or need parsing beyond a single validator, by the key whose {@code ConfigValue} should
     * carry them; keys missing from {@code values} (absent or already invalid) are skipped.
     */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>(IotHubConnectionConfig.crossKeyProblems(values));
        if (values.get(DEVICE_IDS_CONFIG) instanceof List<?> ids) {
            if (ids.isEmpty()) {
                IotHubConnectionConfig.add(problems, DEVICE_IDS_CONFIG, "name at least one device id");
            }
            Set<String> seen = new HashSet<>();
            for (Object id : ids) {
                String text = String.valueOf(id).trim();
                String problem = DeviceCredentials.deviceIdProblem(text);
                if (problem != null) {
                    IotHubConnectionConfig.add(problems, DEVICE_IDS_CONFIG, "'" + DeviceCredentials.printable(text)
                        + "' is not a valid device id: " + problem);
                } else if (!seen.add(text)) {
                    IotHubConnectionConfig.add(problems, DEVICE_IDS_CONFIG, "device '" + text + "' is listed twice");
                }
            }
        }
        if (values.get(KAFKA_TOPIC_CONFIG) instanceof String topic) {
            try {
                TopicTemplate template = TopicTemplate.parse(topic);
                for (String variable : template.variables()) {
                    if (!variable.equals(DEVICE_ID_VARIABLE)) {
                        IotHubConnectionConfig.add(problems, KAFKA_TOPIC_CONFIG, "${" + variable + "} is not a known "
                            + "variable; only ${device.id} is");
                    }
                }
                if (template.isConstant()) {
                    KafkaTopicName.validate(topic);
                }
            } catch (IllegalArgumentException e) {
                IotHubConnectionConfig.add(problems, KAFKA_TOPIC_CONFIG, e.getMessage());
            }
        }
        return problems;
    }

    /** The connector's name, from Connect's {@code name} key. */
    public String connectorName() {
        Object name = originals().get(NAME_CONFIG);
        return name == null || name.toString().isBlank() ? "twin-source" : name.toString();
    }

    /** This task's number; 0 outside a task. */
    public int taskId() {
        Object id = originals().get(TASK_ID_CONFIG);
        return id == null ? 0 : Integer.parseInt(id.toString().trim());
    }

    IotHubSettings hubSettings() {
        return IotHubConnectionConfig.settings(this);
    }

    /** The devices (for a task: its share), in the configured order. */
    public List<String> deviceIds() {
        return getList(DEVICE_IDS_CONFIG).stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    public TopicTemplate kafkaTopicTemplate() {
        return TopicTemplate.parse(getString(KAFKA_TOPIC_CONFIG));
    }

    public PayloadFormat payloadFormat() {
        return PayloadFormat.fromConfigValue(getString(PAYLOAD_FORMAT_CONFIG).toLowerCase(Locale.ROOT));
    }

    public DecoderOptions decoderOptions() {
        return new DecoderOptions(getBoolean(PAYLOAD_JSON_SCHEMALESS_CONFIG), null);
    }
}
