package io.mqttbridge.source;

import io.mqttbridge.core.codec.DecoderOptions;
import io.mqttbridge.core.codec.PayloadDecoders;
import io.mqttbridge.core.codec.PayloadFormat;
import io.mqttbridge.core.config.MqttConnectionConfig;
import io.mqttbridge.core.config.ReadableFileValidator;
import io.mqttbridge.core.topic.KafkaTopicName;
import io.mqttbridge.core.topic.TopicFilter;
import io.mqttbridge.core.topic.TopicTemplate;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of {@link MqttSourceConnector} and its tasks: the shared MQTT connection keys plus what to
 * subscribe to and how messages become Kafka records. Parsing fails fast, with the same messages
 * {@link MqttSourceConnector#validate(Map)} reports.
 */
public final class MqttSourceConfig extends AbstractConfig {

    public static final String SUBSCRIPTION_GROUP = "MQTT Subscription";
    public static final String RECORDS_GROUP = "Kafka Records";
    public static final String ERRORS_GROUP = "Error Handling";

    public static final String TOPICS_CONFIG = "mqtt.topics";
    public static final String TOPICS_DOC = "Comma-separated MQTT topic filters to subscribe to, e.g. "
        + "plant/+/telemetry,plant/#. With MQTT 5 and tasks.max > 1 every task subscribes every filter as a "
        + "shared subscription; with MQTT 3.1.1 the filters are divided among the tasks.";

    public static final String QOS_CONFIG = "mqtt.qos";
    public static final int QOS_DEFAULT = 1;
    public static final String QOS_DOC = "Maximum QoS requested for every subscription: 0 (at most once), "
        + "1 (at least once, the default) or 2. Messages at QoS 1 and 2 are acknowledged only after Kafka stored them.";

    /** {@value QosDowngrade#CONFIG}: what to do when the broker grants less than {@link #QOS_CONFIG}. */
    public static final String QOS_DOWNGRADE_CONFIG = QosDowngrade.CONFIG;

    public static final String KAFKA_TOPIC_CONFIG = "kafka.topic";
    public static final String KAFKA_TOPIC_DEFAULT = "${mqtt.topic}";
    public static final String KAFKA_TOPIC_DOC = "Kafka topic template. Literal text plus ${mqtt.topic} (the MQTT "
        + "topic made a legal Kafka name: '/' becomes '.', other illegal characters '_') and ${1}..${n} (what the "
        + "n-th wildcard of the first matching filter matched, made legal the same way). Example: plant/+/telemetry "
        + "with kafka.topic=plant.${1}.telemetry.";

    public static final String RECORD_KEY_CONFIG = "record.key";
    public static final String RECORD_KEY_DEFAULT = "${mqtt.topic}";
    public static final String RECORD_KEY_DOC = "Record key template, a string key built from the same variables "
        + "as kafka.topic but not sanitized (${mqtt.topic} is the MQTT topic as is). Empty: records have no key.";

    public static final String PAYLOAD_FORMAT_CONFIG = "payload.format";
    public static final String PAYLOAD_FORMAT_DEFAULT = "bytes";
    public static final String PAYLOAD_FORMAT_DOC = "How payloads become record values: bytes (untouched, BYTES "
        + "schema), string (UTF-8), json (a Struct with an inferred schema, or schemaless maps) or avro (binary "
        + "Avro with the schema in payload.avro.schema.file).";

    public static final String PAYLOAD_JSON_SCHEMALESS_CONFIG = "payload.json.schemaless";
    public static final String PAYLOAD_JSON_SCHEMALESS_DOC = "For payload.format=json: true gives schemaless "
        + "values (maps and lists), false (default) Structs with a schema inferred per message.";

    public static final String PAYLOAD_AVRO_SCHEMA_FILE_CONFIG = "payload.avro.schema.file";
    public static final String PAYLOAD_AVRO_SCHEMA_FILE_DOC = "For payload.format=avro (required then): the .avsc "
        + "file with the writer schema of the payloads.";

    public static final String SHARED_SUBSCRIPTION_GROUP_CONFIG = "mqtt.shared.subscription.group";
    public static final String SHARED_SUBSCRIPTION_GROUP_DOC = "MQTT 5 only: shared subscription group name "
        + "($share/GROUP/filter). Default: the connector name, when tasks.max > 1. Set it to share the load with "
        + "other subscribers of the same group.";

    public static final String MAX_PAYLOAD_BYTES_CONFIG = "payload.max.bytes";
    public static final int MAX_PAYLOAD_BYTES_DEFAULT = 1_000_000;
    public static final String MAX_PAYLOAD_BYTES_DOC = "Largest payload turned into a record; a larger one is "
        + "handled like a payload that does not decode (dead-letter topic without its payload, skipped, or the task "
        + "fails naming it). Keep it below the worker producer's max.request.size (1 MiB by default) minus room for "
        + "key and headers: Kafka refuses a larger record, and the broker would redeliver it to every restarted "
        + "task, which then fails again.";

    public static final String DLQ_TOPIC_CONFIG = "errors.deadletterqueue.topic.name";
    public static final String DLQ_TOPIC_DOC = "Kafka topic for messages that cannot be converted (payload does "
        + "not decode, topic template cannot be resolved): the raw payload, the MQTT topic as key, and error headers. "
        + "They are acknowledged to the broker once this topic stored them. Empty (default): no dead-letter topic; "
        + "then errors.tolerance=none fails the task and errors.tolerance=all logs and skips the message.";

    /** Connect's own error tolerance key ({@code none} or {@code all}); read from the raw properties. */
    public static final String ERRORS_TOLERANCE_CONFIG = "errors.tolerance";
    /** Task-level key: which task of the connector this is (0-based), set by {@link MqttSourceConnector}. */
    public static final String TASK_ID_CONFIG = "task.id";
    /** Connect's connector name key. */
    public static final String NAME_CONFIG = "name";
    /** The name used when a configuration carries no connector name (only outside a Connect worker). */
    public static final String DEFAULT_NAME = "mqtt-source";

    /** Variable of the topic and key templates that stands for the MQTT topic. */
    public static final String MQTT_TOPIC_VARIABLE = "mqtt.topic";

    /** The connection fragment plus the source keys. */
    public static final ConfigDef CONFIG_DEF = definition();

    public MqttSourceConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        Map<String, List<String>> problems = crossKeyProblems(values());
        problems.entrySet().stream().findFirst().ifPresent(e -> {
            throw new ConfigException(e.getKey(), get(e.getKey()), e.getValue().get(0));
        });
    }

    private static ConfigDef definition() {
        ConfigDef def = MqttConnectionConfig.addDefinitions(new ConfigDef());
        int order = 0;
        def.define(TOPICS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, TOPICS_DOC,
                SUBSCRIPTION_GROUP, ++order, Width.LONG, "MQTT topic filters")
            .define(QOS_CONFIG, Type.INT, QOS_DEFAULT, ConfigDef.Range.between(0, 2), Importance.HIGH, QOS_DOC,
                SUBSCRIPTION_GROUP, ++order, Width.SHORT, "MQTT QoS")
            .define(QOS_DOWNGRADE_CONFIG, Type.STRING, QosDowngrade.DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in(QosDowngrade.FAIL.configValue(),
                    QosDowngrade.ACCEPT.configValue()),
                Importance.MEDIUM, QosDowngrade.DOC, SUBSCRIPTION_GROUP, ++order, Width.SHORT, "QoS downgrade")
            .define(SHARED_SUBSCRIPTION_GROUP_CONFIG, Type.STRING, null, new SharedGroupValidator(),
                Importance.MEDIUM, SHARED_SUBSCRIPTION_GROUP_DOC, SUBSCRIPTION_GROUP, ++order, Width.MEDIUM,
                "Shared subscription group");
        order = 0;
        def.define(KAFKA_TOPIC_CONFIG, Type.STRING, KAFKA_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, KAFKA_TOPIC_DOC, RECORDS_GROUP, ++order, Width.LONG, "Kafka topic template")
            .define(RECORD_KEY_CONFIG, Type.STRING, RECORD_KEY_DEFAULT, Importance.MEDIUM, RECORD_KEY_DOC,
                RECORDS_GROUP, ++order, Width.LONG, "Record key template")
            .define(PAYLOAD_FORMAT_CONFIG, Type.STRING, PAYLOAD_FORMAT_DEFAULT,
                new PayloadFormatValidator(), Importance.HIGH,
                PAYLOAD_FORMAT_DOC, RECORDS_GROUP, ++order, Width.SHORT, "Payload format")
            .define(PAYLOAD_JSON_SCHEMALESS_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                PAYLOAD_JSON_SCHEMALESS_DOC, RECORDS_GROUP, ++order, Width.SHORT, "Schemaless JSON")
            .define(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, Type.STRING, null, new ReadableFileValidator(),
                Importance.MEDIUM, PAYLOAD_AVRO_SCHEMA_FILE_DOC, RECORDS_GROUP, ++order, Width.LONG,
                "Avro schema file")
            .define(MAX_PAYLOAD_BYTES_CONFIG, Type.INT, MAX_PAYLOAD_BYTES_DEFAULT, ConfigDef.Range.atLeast(0),
                Importance.LOW, MAX_PAYLOAD_BYTES_DOC, RECORDS_GROUP, ++order, Width.SHORT, "Largest payload");
        def.define(DLQ_TOPIC_CONFIG, Type.STRING, "", new DeadLetterTopicValidator(), Importance.MEDIUM,
            DLQ_TOPIC_DOC, ERRORS_GROUP, 1, Width.LONG, "Dead-letter topic");
        return def;
    }

    /**
     * Problems that involve more than one key or need parsing beyond a single validator, by the key whose
     * {@code ConfigValue} should carry them. Keys missing from {@code values} (absent or already invalid) are
     * skipped, so each problem is reported once and where it belongs.
     */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        List<TopicFilter> filters = null;
        if (values.get(TOPICS_CONFIG) instanceof List<?> topics) {
            filters = new ArrayList<>();
            if (topics.isEmpty()) {
                add(problems, TOPICS_CONFIG, "at least one topic filter is required, e.g. plant/+/telemetry");
            }
            for (Object topic : topics) {
                try {
                    filters.add(TopicFilter.parse(String.valueOf(topic)));
                } catch (RuntimeException e) {
                    add(problems, TOPICS_CONFIG, "filter '" + topic + "' is not valid: " + e.getMessage());
                    filters = null;
                    break;
                }
            }
        }
        if (values.get(KAFKA_TOPIC_CONFIG) instanceof String template) {
            TemplateRules.problems(template, filters, true)
                .forEach(p -> add(problems, KAFKA_TOPIC_CONFIG, p));
        }
        if (values.get(RECORD_KEY_CONFIG) instanceof String template && !template.isEmpty()) {
            TemplateRules.problems(template, filters, false)
                .forEach(p -> add(problems, RECORD_KEY_CONFIG, p));
        }
        if (values.get(PAYLOAD_FORMAT_CONFIG) instanceof String format && "avro".equalsIgnoreCase(format)
            && isBlank(values.get(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG)) && values.containsKey(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG)) {
            add(problems, PAYLOAD_AVRO_SCHEMA_FILE_CONFIG,
                "payload.format=avro needs the writer schema: set " + PAYLOAD_AVRO_SCHEMA_FILE_CONFIG
                    + " to the path of an .avsc file");
        }
        if (values.get(PAYLOAD_FORMAT_CONFIG) instanceof String format && "avro".equalsIgnoreCase(format)
            && values.get(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG) instanceof String schemaFile && !schemaFile.isBlank()) {
            try {
                PayloadDecoders.create(PayloadFormat.AVRO, new DecoderOptions(false, Path.of(schemaFile.trim())));
            } catch (RuntimeException e) {
                add(problems, PAYLOAD_AVRO_SCHEMA_FILE_CONFIG, "cannot use " + schemaFile.trim() + " as the Avro "
                    + "schema: " + e.getMessage());
            }
        }
        if (!isBlank(values.get(SHARED_SUBSCRIPTION_GROUP_CONFIG))
            && MqttVersion.V3_1_1.configValue().equals(values.get(MqttConnectionConfig.VERSION_CONFIG))) {
            add(problems, SHARED_SUBSCRIPTION_GROUP_CONFIG, "shared subscriptions need MQTT 5: set "
                + MqttConnectionConfig.VERSION_CONFIG + "=5, or leave " + SHARED_SUBSCRIPTION_GROUP_CONFIG + " empty");
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

    private static boolean isBlank(Object value) {
        return value == null || value.toString().isBlank();
    }

    /** The connector's name, from Connect's {@code name} key. */
    public String connectorName() {
        Object name = originals().get(NAME_CONFIG);
        return name == null || name.toString().isBlank() ? DEFAULT_NAME : name.toString();
    }

    /** The topic filters as configured (for a task: its own share, possibly with {@code $share/GROUP/}). */
    public List<String> topics() {
        return getList(TOPICS_CONFIG).stream().map(String::trim).toList();
    }

    /** The topic filters, parsed. */
    public List<TopicFilter> topicFilters() {
        return topics().stream().map(TopicFilter::parse).toList();
    }

    public int qos() {
        return getInt(QOS_CONFIG);
    }

    /** What to do when the broker grants a lower QoS than {@link #qos()}. */
    public QosDowngrade qosDowngrade() {
        return QosDowngrade.fromConfigValue(getString(QOS_DOWNGRADE_CONFIG));
    }

    public MqttVersion mqttVersion() {
        return MqttVersion.fromConfigValue(getString(MqttConnectionConfig.VERSION_CONFIG));
    }

    public TopicTemplate kafkaTopicTemplate() {
        return TopicTemplate.parse(getString(KAFKA_TOPIC_CONFIG));
    }

    /** The record key template, or null when keys are off ({@code record.key} empty). */
    public TopicTemplate recordKeyTemplate() {
        String template = getString(RECORD_KEY_CONFIG);
        return template == null || template.isEmpty() ? null : TopicTemplate.parse(template);
    }

    public PayloadFormat payloadFormat() {
        return PayloadFormat.fromConfigValue(getString(PAYLOAD_FORMAT_CONFIG).toLowerCase(Locale.ROOT));
    }

    public DecoderOptions decoderOptions() {
        String schemaFile = getString(PAYLOAD_AVRO_SCHEMA_FILE_CONFIG);
        return new DecoderOptions(getBoolean(PAYLOAD_JSON_SCHEMALESS_CONFIG),
            isBlank(schemaFile) ? null : Path.of(schemaFile.trim()));
    }

    /** The configured shared subscription group, or null. */
    public String sharedSubscriptionGroup() {
        String group = getString(SHARED_SUBSCRIPTION_GROUP_CONFIG);
        return isBlank(group) ? null : group.trim();
    }

    /** Payloads larger than this many bytes do not become records. */
    public int maxPayloadBytes() {
        return getInt(MAX_PAYLOAD_BYTES_CONFIG);
    }

    /** The dead-letter topic, or null if none is configured. */
    public String deadLetterTopic() {
        String topic = getString(DLQ_TOPIC_CONFIG);
        return isBlank(topic) ? null : topic.trim();
    }

    /** Whether Connect's {@code errors.tolerance} is {@code all} (skip bad messages) rather than {@code none}. */
    public boolean toleratesAllErrors() {
        Object tolerance = originals().get(ERRORS_TOLERANCE_CONFIG);
        return tolerance != null && "all".equalsIgnoreCase(tolerance.toString().trim());
    }

    /** The configured {@code mqtt.client.id}, or null when it is to be derived. */
    public String configuredClientId() {
        String id = getString(MqttConnectionConfig.CLIENT_ID_CONFIG);
        return isBlank(id) ? null : id.trim();
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

    /** Connection settings for this task's client id. */
    public MqttConnectionSettings connectionSettings() {
        return MqttConnectionConfig.settings(this, taskClientId());
    }
}
