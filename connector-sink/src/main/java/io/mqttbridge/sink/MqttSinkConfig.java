package io.mqttbridge.sink;

import io.mqttbridge.core.codec.EncoderOptions;
import io.mqttbridge.core.codec.PayloadEncoders;
import io.mqttbridge.core.codec.PayloadFormat;
import io.mqttbridge.core.config.MqttConnectionConfig;
import io.mqttbridge.core.config.ReadableFileValidator;
import io.mqttbridge.core.transport.MqttConnectionSettings;
import io.mqttbridge.core.transport.MqttVersion;
import io.mqttbridge.core.transport.QosDowngrade;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of {@link MqttSinkConnector} and its tasks: the shared MQTT connection keys (publisher variant:
 * a clean session, since Kafka holds every record until the broker confirmed it) plus where and how records are
 * published. Connect's own {@code topics}, {@code topics.regex} and {@code errors.*} keys select the records and
 * route the ones that cannot be published. Parsing fails fast, with the messages {@code validate()} reports.
 */
public final class MqttSinkConfig extends AbstractConfig {

    public static final String PUBLISH_GROUP = "MQTT Publish";
    public static final String PAYLOAD_GROUP = "MQTT Payload";
    public static final String DELIVERY_GROUP = "Delivery";

    public static final String MQTT_TOPIC_CONFIG = "mqtt.topic";
    public static final String MQTT_TOPIC_DEFAULT = "${kafka.topic}";
    public static final String MQTT_TOPIC_DOC = "MQTT topic template: literal text plus ${kafka.topic}, "
        + "${kafka.partition}, ${key} (a string or primitive key), ${key.FIELD.PATH} (a field of a Struct or Map "
        + "key), ${header.NAME} (the last header NAME) and ${value.FIELD.PATH} (a field of a Struct or Map value). "
        + "Example: devices/${key}/commands. A record whose template cannot be resolved, or resolves to an illegal "
        + "topic (wildcards, empty, over 65,535 bytes), goes to the dead-letter queue with the reason.";

    public static final String QOS_CONFIG = "mqtt.qos";
    public static final int QOS_DEFAULT = 1;
    public static final String QOS_DOC = "QoS of every publish: 0 (at most once; offsets advance on hand-off to the "
        + "network), 1 (at least once, the default: offsets advance after PUBACK) or 2 (offsets advance after "
        + "PUBCOMP).";

    public static final String RETAIN_CONFIG = "mqtt.retain";
    public static final String RETAIN_DOC = "Whether every publish sets the retain flag.";

    /** {@value QosDowngrade#CONFIG}: what to do when the broker supports less than the QoS of a publish. */
    public static final String QOS_DOWNGRADE_CONFIG = QosDowngrade.CONFIG;

    public static final String QOS_HEADER_CONFIG = "mqtt.qos.header";
    public static final String QOS_HEADER_DOC = "Name of a record header whose value (0, 1 or 2) overrides mqtt.qos "
        + "per record, e.g. mqtt.qos (the header the MQTT source connector writes). Empty (default): off.";

    public static final String RETAIN_HEADER_CONFIG = "mqtt.retain.header";
    public static final String RETAIN_HEADER_DOC = "Name of a record header whose value (true or false) overrides "
        + "mqtt.retain per record, e.g. mqtt.retained. Empty (default): off.";

    public static final String PROPERTIES_FROM_HEADERS_CONFIG = "mqtt.properties.from.headers";
    public static final String PROPERTIES_FROM_HEADERS_DOC = "MQTT 5 only: take PUBLISH properties from record "
        + "headers named as the MQTT source connector writes them: mqtt.content.type, mqtt.response.topic, "
        + "mqtt.correlation.data, mqtt.message.expiry.interval (seconds) and mqtt.user.NAME for user property NAME.";

    public static final String PAYLOAD_FORMAT_CONFIG = "payload.format";
    public static final String PAYLOAD_FORMAT_DEFAULT = "json";
    public static final String PAYLOAD_FORMAT_DOC = "How record values become payloads: json (the default: Structs, "
        + "maps, lists and primitives as JSON, Decimal as an exact number, Date, Time and Timestamp as ISO-8601 "
        + "text), string (UTF-8 text of a string or primitive value), bytes (a byte array value as is; use it with "
        + "the ByteArrayConverter to pass payloads through untouched) or avro (binary Avro of the schema in "
        + "payload.avro.schema.file).";

    public static final String PAYLOAD_AVRO_SCHEMA_FILE_CONFIG = "payload.avro.schema.file";
    public static final String PAYLOAD_AVRO_SCHEMA_FILE_DOC = "For payload.format=avro (required then): the .avsc "
        + "file with the schema payloads are written in.";

    public static final String TOMBSTONE_BEHAVIOR_CONFIG = "tombstone.behavior";
    public static final String TOMBSTONE_BEHAVIOR_DEFAULT = TombstoneBehavior.SKIP.configValue();
    public static final String TOMBSTONE_BEHAVIOR_DOC = "What a record with a null value (a tombstone) does: skip "
        + "(the default: nothing is published, the offset advances), clear.retained (publish an empty retained "
        + "message, which deletes the retained message of the topic) or fail (dead-letter it as an error).";

    public static final String RETRY_TIMEOUT_MS_CONFIG = "mqtt.retry.timeout.ms";
    public static final long RETRY_TIMEOUT_MS_DEFAULT = -1L;
    public static final String RETRY_TIMEOUT_MS_DOC = "How long the task keeps retrying records it cannot publish "
        + "(broker unreachable, publish not confirmed) before it fails with an error naming the cause. -1 (the "
        + "default): retry forever; the task stays RUNNING, logs each reconnect attempt and never commits offsets "
        + "past unconfirmed records.";

    public static final String MAX_PACKET_BYTES_CONFIG = "mqtt.max.packet.bytes";
    public static final int MAX_PACKET_BYTES_DEFAULT = 0;
    public static final String MAX_PACKET_BYTES_DOC = "The largest PUBLISH packet (topic, properties and payload) "
        + "the task sends; a record whose message would be larger goes to the dead-letter queue, naming both sizes. "
        + "0 (the default): only the limit an MQTT 5 broker announces in CONNACK (Maximum Packet Size). Set it for "
        + "MQTT 3.1.1 brokers, which announce nothing and drop the connection on a larger packet (Mosquitto: "
        + "max_packet_size), so the record would be sent again after every reconnect.";

    /** Task-level key: which task of the connector this is (0-based), set by {@link MqttSinkConnector}. */
    public static final String TASK_ID_CONFIG = "task.id";
    /** Connect's connector name key. */
    public static final String NAME_CONFIG = "name";
    /** The name used when a configuration carries no connector name (only outside a Connect worker). */
    public static final String DEFAULT_NAME = "mqtt-sink";

    /** The publisher connection fragment plus the sink keys. */
    public static final ConfigDef CONFIG_DEF = definition();

    public MqttSinkConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        crossKeyProblems(values()).entrySet().stream().findFirst().ifPresent(e -> {
            throw new ConfigException(e.getKey(), get(e.getKey()), e.getValue().get(0));
        });
    }

    private static ConfigDef definition() {
        ConfigDef def = MqttConnectionConfig.addPublisherDefinitions(new ConfigDef());
        int order = 0;
        def.define(MQTT_TOPIC_CONFIG, Type.STRING, MQTT_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, MQTT_TOPIC_DOC, PUBLISH_GROUP, ++order, Width.LONG, "MQTT topic template")
            .define(QOS_CONFIG, Type.INT, QOS_DEFAULT, ConfigDef.Range.between(0, 2), Importance.HIGH, QOS_DOC,
                PUBLISH_GROUP, ++order, Width.SHORT, "MQTT QoS")
            .define(QOS_DOWNGRADE_CONFIG, Type.STRING, QosDowngrade.DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in(QosDowngrade.FAIL.configValue(),
                    QosDowngrade.ACCEPT.configValue()),
                Importance.MEDIUM, QosDowngrade.DOC, PUBLISH_GROUP, ++order, Width.SHORT, "QoS downgrade")
            .define(RETAIN_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, RETAIN_DOC, PUBLISH_GROUP, ++order,
                Width.SHORT, "Retain")
            .define(QOS_HEADER_CONFIG, Type.STRING, "", Importance.LOW, QOS_HEADER_DOC, PUBLISH_GROUP, ++order,
                Width.MEDIUM, "QoS header")
            .define(RETAIN_HEADER_CONFIG, Type.STRING, "", Importance.LOW, RETAIN_HEADER_DOC, PUBLISH_GROUP,
                ++order, Width.MEDIUM, "Retain header")
            .define(PROPERTIES_FROM_HEADERS_CONFIG, Type.BOOLEAN, true, Importance.LOW, PROPERTIES_FROM_HEADERS_DOC,
                PUBLISH_GROUP, ++order, Width.SHORT, "MQTT 5 properties from headers");
        order = 0;
        def.define(PAYLOAD_FORMAT_CONFIG, Type.STRING, PAYLOAD_FORMAT_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in(formats()), Importance.HIGH, PAYLOAD_FORMAT_DOC,
                PAYLOAD_GROUP, ++order, Width.SHORT, "Payload format")
            .define(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, Type.STRING, null, new ReadableFileValidator(),
                Importance.MEDIUM, PAYLOAD_AVRO_SCHEMA_FILE_DOC, PAYLOAD_GROUP, ++order, Width.LONG,
                "Avro schema file")
            .define(TOMBSTONE_BEHAVIOR_CONFIG, Type.STRING, TOMBSTONE_BEHAVIOR_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in(Arrays.stream(TombstoneBehavior.values())
                    .map(TombstoneBehavior::configValue).toArray(String[]::new)),
                Importance.MEDIUM, TOMBSTONE_BEHAVIOR_DOC, PAYLOAD_GROUP, ++order, Width.SHORT, "Tombstones");
        def.define(RETRY_TIMEOUT_MS_CONFIG, Type.LONG, RETRY_TIMEOUT_MS_DEFAULT, ConfigDef.Range.atLeast(-1L),
            Importance.MEDIUM, RETRY_TIMEOUT_MS_DOC, DELIVERY_GROUP, 1, Width.SHORT, "Retry timeout (ms)");
        def.define(MAX_PACKET_BYTES_CONFIG, Type.INT, MAX_PACKET_BYTES_DEFAULT,
            ConfigDef.Range.between(0, 268_435_455), Importance.LOW, MAX_PACKET_BYTES_DOC, DELIVERY_GROUP, 2,
            Width.SHORT, "Max packet size (bytes)");
        return def;
    }

    private static String[] formats() {
        return Arrays.stream(PayloadFormat.values()).map(PayloadFormat::configValue).toArray(String[]::new);
    }

    /**
     * Problems that involve more than one key or need parsing beyond a single validator, by the key whose
     * {@code ConfigValue} should carry them. Keys missing from {@code values} (absent or already invalid) are
     * skipped, so each problem is reported once and where it belongs.
     */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        if (values.get(MQTT_TOPIC_CONFIG) instanceof String template) {
            try {
                RecordTopicTemplate.parse(template);
            } catch (IllegalArgumentException e) {
                add(problems, MQTT_TOPIC_CONFIG, e.getMessage());
            }
        }
        boolean avro = values.get(PAYLOAD_FORMAT_CONFIG) instanceof String format && "avro".equalsIgnoreCase(format);
        if (avro && values.containsKey(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG)) {
            if (values.get(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG) instanceof String file && !file.isBlank()) {
                try {
                    PayloadEncoders.create(PayloadFormat.AVRO, new EncoderOptions(Path.of(file.trim())));
                } catch (RuntimeException e) {
                    add(problems, PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, "cannot use " + file.trim()
                        + " as the Avro schema: " + e.getMessage());
                }
            } else {
                add(problems, PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, "payload.format=avro needs a schema: set "
                    + PAYLOAD_AVRO_SCHEMA_FILE_CONFIG + " to the path of an .avsc file");
            }
        }
        if (values.get(MqttConnectionConfig.RECONNECT_BACKOFF_MS_CONFIG) instanceof Long backoff
            && values.get(MqttConnectionConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG) instanceof Long backoffMax) {
            String problem = MqttConnectionConfig.backoffProblem(backoff, backoffMax);
            if (problem != null) {
                add(problems, MqttConnectionConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, problem);
            }
        }
        return problems;
    }

    private static void add(Map<String, List<String>> problems, String key, String message) {
        problems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    /** The connector's name, from Connect's {@code name} key. */
    public String connectorName() {
        Object name = originals().get(NAME_CONFIG);
        return name == null || name.toString().isBlank() ? DEFAULT_NAME : name.toString();
    }

    public RecordTopicTemplate topicTemplate() {
        return RecordTopicTemplate.parse(getString(MQTT_TOPIC_CONFIG));
    }

    public int qos() {
        return getInt(QOS_CONFIG);
    }

    /** What to do when the broker supports a lower QoS than a publish asks for. */
    public QosDowngrade qosDowngrade() {
        return QosDowngrade.fromConfigValue(getString(QOS_DOWNGRADE_CONFIG));
    }

    public boolean retain() {
        return getBoolean(RETAIN_CONFIG);
    }

    /** The header that overrides the QoS per record, or null. */
    public String qosHeader() {
        return blankToNull(getString(QOS_HEADER_CONFIG));
    }

    /** The header that overrides the retain flag per record, or null. */
    public String retainHeader() {
        return blankToNull(getString(RETAIN_HEADER_CONFIG));
    }

    /** Whether MQTT 5 properties come from headers: only when configured and the connection speaks MQTT 5. */
    public boolean propertiesFromHeaders() {
        return getBoolean(PROPERTIES_FROM_HEADERS_CONFIG) && mqttVersion() == MqttVersion.V5;
    }

    public MqttVersion mqttVersion() {
        return MqttVersion.fromConfigValue(getString(MqttConnectionConfig.VERSION_CONFIG));
    }

    public PayloadFormat payloadFormat() {
        return PayloadFormat.fromConfigValue(getString(PAYLOAD_FORMAT_CONFIG).toLowerCase(Locale.ROOT));
    }

    public EncoderOptions encoderOptions() {
        String file = blankToNull(getString(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG));
        return new EncoderOptions(file == null ? null : Path.of(file));
    }

    public TombstoneBehavior tombstoneBehavior() {
        return TombstoneBehavior.fromConfigValue(getString(TOMBSTONE_BEHAVIOR_CONFIG));
    }

    /** How long unpublishable records are retried before the task fails; negative means forever. */
    public long retryTimeoutMs() {
        return getLong(RETRY_TIMEOUT_MS_CONFIG);
    }

    /** The largest PUBLISH packet to send, or 0 for the broker's announced limit only. */
    public int maxPacketBytes() {
        return getInt(MAX_PACKET_BYTES_CONFIG);
    }

    /** The configured {@code mqtt.client.id}, or null when it is to be derived. */
    public String configuredClientId() {
        return blankToNull(getString(MqttConnectionConfig.CLIENT_ID_CONFIG));
    }

    /** This task's number, from {@link #TASK_ID_CONFIG}; 0 outside a task. */
    public int taskId() {
        Object id = originals().get(TASK_ID_CONFIG);
        return id == null ? 0 : Integer.parseInt(id.toString().trim());
    }

    /** The client id a task uses: the configured one (already made per-task by the connector) or name-task. */
    public String taskClientId() {
        String configured = configuredClientId();
        return configured != null ? configured : connectorName() + "-" + taskId();
    }

    /** Publisher connection settings (clean session, no persistence) for this task's client id. */
    public MqttConnectionSettings connectionSettings() {
        return MqttConnectionConfig.publisherSettings(this, taskClientId());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
