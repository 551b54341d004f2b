package io.mqttbridge.aws;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of {@link ShadowSourceConnector}: the AWS IoT connection, which shadows to follow and where their
 * changes go in Kafka.
 */
public final class ShadowSourceConfig extends AbstractConfig {
    public static final String SHADOW_GROUP = "Shadow";

    public static final String THINGS_CONFIG = "shadow.things";
    public static final String THINGS_DOC = "Thing names whose shadows to follow, comma-separated, or + for every "
        + "thing this certificate's policy lets it see (a wildcard subscription; changes missed while disconnected "
        + "are then caught up only for things seen since the task started).";
    public static final String SHADOW_NAME_CONFIG = "shadow.name";
    public static final String SHADOW_NAME_DOC = "The named shadow to follow; empty (default): the classic shadow.";
    public static final String EVENTS_CONFIG = "shadow.events";
    public static final String EVENTS_DEFAULT = "delta";
    public static final String EVENTS_DOC = "What becomes a record: delta (default: update/delta, the desired state "
        + "that differs from the reported one, i.e. commands for the device) or documents (update/documents, the "
        + "previous and current documents of every update).";
    public static final String KAFKA_TOPIC_CONFIG = "kafka.topic";
    public static final String KAFKA_TOPIC_DEFAULT = "aws.shadow.delta";
    public static final String KAFKA_TOPIC_DOC = "Kafka topic of the records. Keys are thing names; values are the "
        + "delta state (or the documents) as schemaless JSON; headers carry the shadow version and timestamp.";

    public static final String TASK_ID_CONFIG = "task.id";
    public static final String TASKS_CONFIG = "task.count";
    public static final String NAME_CONFIG = "name";
    /** The value of {@link #THINGS_CONFIG} that follows every thing. */
    public static final String ALL_THINGS = "+";

    public static final ConfigDef CONFIG_DEF = definition();

    public ShadowSourceConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        crossKeyProblems(values()).entrySet().stream().findFirst().ifPresent(e -> {
            throw new ConfigException(e.getKey(), get(e.getKey()), e.getValue().get(0));
        });
    }

    private static ConfigDef definition() {
        ConfigDef def = AwsIotConnectionConfig.addDefinitions(new ConfigDef());
        int order = 0;
        return def
            .define(THINGS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, THINGS_DOC, SHADOW_GROUP,
                ++order, Width.LONG, "Things")
            .define(SHADOW_NAME_CONFIG, Type.STRING, "", Importance.MEDIUM, SHADOW_NAME_DOC, SHADOW_GROUP, ++order,
                Width.MEDIUM, "Shadow name")
            .define(EVENTS_CONFIG, Type.STRING, EVENTS_DEFAULT, ConfigDef.CaseInsensitiveValidString.in("delta",
                "documents"), Importance.HIGH, EVENTS_DOC, SHADOW_GROUP, ++order, Width.SHORT, "Events")
            .define(KAFKA_TOPIC_CONFIG, Type.STRING, KAFKA_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, KAFKA_TOPIC_DOC, SHADOW_GROUP, ++order, Width.LONG, "Kafka topic");
    }

    /** Problems spanning keys or needing parsing, by key. */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>(AwsIotConnectionConfig.crossKeyProblems(values));
        if (values.get(THINGS_CONFIG) instanceof List<?> things) {
            if (things.isEmpty()) {
                add(problems, THINGS_CONFIG, "name at least one thing, or + for all");
            }
            for (Object thing : things) {
                String name = String.valueOf(thing).trim();
                String problem = ALL_THINGS.equals(name) ? null : ShadowTopic.thingNameProblem(name);
                if (problem != null) {
                    add(problems, THINGS_CONFIG, problem);
                }
            }
            if (things.size() > 1 && things.stream().anyMatch(t -> ALL_THINGS.equals(String.valueOf(t).trim()))) {
                add(problems, THINGS_CONFIG, "+ already follows every thing: list names or +, not both");
            }
        }
        if (values.get(SHADOW_NAME_CONFIG) instanceof String shadow && !shadow.isBlank()) {
            String problem = ShadowTopic.shadowNameProblem(shadow.trim());
            if (problem != null) {
                add(problems, SHADOW_NAME_CONFIG, problem);
            }
        }
        return problems;
    }

    private static void add(Map<String, List<String>> problems, String key, String message) {
        problems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    public String connectorName() {
        Object name = originals().get(NAME_CONFIG);
        return name == null || name.toString().isBlank() ? "aws-shadow-source" : name.toString();
    }

    public int taskId() {
        Object id = originals().get(TASK_ID_CONFIG);
        return id == null ? 0 : Integer.parseInt(id.toString().trim());
    }

    public AwsIotSettings connectionSettings() {
        Object tasks = originals().get(TASKS_CONFIG);
        return AwsIotConnectionConfig.settings(this, AwsIotConnectionConfig.clientId(this, connectorName(), taskId(),
            tasks == null ? 1 : Integer.parseInt(tasks.toString())));
    }

    /** The thing names, or a single {@value #ALL_THINGS}. */
    public List<String> things() {
        return getList(THINGS_CONFIG).stream().map(String::trim).toList();
    }

    public boolean allThings() {
        return things().equals(List.of(ALL_THINGS));
    }

    public String shadowName() {
        return getString(SHADOW_NAME_CONFIG).trim();
    }

    /** {@code delta} or {@code documents}. */
    public String events() {
        return getString(EVENTS_CONFIG).toLowerCase(Locale.ROOT);
    }

    public String kafkaTopic() {
        return getString(KAFKA_TOPIC_CONFIG).trim();
    }
}
