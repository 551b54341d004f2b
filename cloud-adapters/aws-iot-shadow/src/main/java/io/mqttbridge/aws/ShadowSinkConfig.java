package io.mqttbridge.aws;

import io.mqttbridge.core.sink.RecordTemplate;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of {@link ShadowSinkConnector}: the AWS IoT connection plus which shadow each record updates and
 * how. Parsing fails fast with the messages {@code validate()} reports.
 */
public final class ShadowSinkConfig extends AbstractConfig {
    public static final String SHADOW_GROUP = "Shadow";

    public static final String THING_NAME_CONFIG = "shadow.thing.name";
    public static final String THING_NAME_DEFAULT = "${key}";
    public static final String THING_NAME_DOC = "Thing name template: literal text plus ${kafka.topic}, ${key}, "
        + "${key.FIELD}, ${header.NAME} and ${value.FIELD.PATH}. A record whose thing name cannot be resolved or is not "
        + "a valid thing name goes to the dead-letter queue.";
    public static final String SHADOW_NAME_CONFIG = "shadow.name";
    public static final String SHADOW_NAME_DOC = "Named shadow template (same variables); empty (default): the "
        + "classic shadow.";
    public static final String STATE_CONFIG = "shadow.state";
    public static final String STATE_DEFAULT = "reported";
    public static final String STATE_DOC = "Which section the record value updates: reported (default; the device "
        + "side) or desired (the application side). The value (a Struct or Map) is merged into it as the service "
        + "merges partial documents: fields present are set, null fields deleted, others kept.";
    public static final String OPTIMISTIC_LOCKING_CONFIG = "shadow.optimistic.locking";
    public static final String OPTIMISTIC_LOCKING_DOC = "Send the shadow version last seen with each update, so an "
        + "update made meanwhile by someone else is detected (409 version conflict); the task then reads the shadow "
        + "again and retries with the new version.";
    public static final String MAX_INFLIGHT_CONFIG = "shadow.max.inflight";
    public static final int MAX_INFLIGHT_DEFAULT = 100;
    public static final String MAX_INFLIGHT_DOC = "Shadow updates awaiting their reply at once, across things. Updates "
        + "of one shadow are sent one after another, in offset order.";
    public static final String RETRY_BACKOFF_MS_CONFIG = "shadow.retry.backoff.ms";
    public static final long RETRY_BACKOFF_MS_DEFAULT = 200L;
    public static final String RETRY_BACKOFF_MS_DOC = "First delay before an update is sent again after a throttle "
        + "(429), a service error (5xx), a timeout or a lost connection; doubles per attempt up to 30 s.";
    public static final String RETRY_TIMEOUT_MS_CONFIG = "shadow.retry.timeout.ms";
    public static final long RETRY_TIMEOUT_MS_DEFAULT = -1L;
    public static final String RETRY_TIMEOUT_MS_DOC = "How long an update may keep failing with retriable errors "
        + "before the task fails naming the last error; -1 (default): forever. Offsets never pass an unaccepted update.";

    public static final String TASK_ID_CONFIG = "task.id";
    public static final String TASKS_CONFIG = "task.count";
    public static final String NAME_CONFIG = "name";

    public static final ConfigDef CONFIG_DEF = definition();

    public ShadowSinkConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        crossKeyProblems(values()).entrySet().stream().findFirst().ifPresent(e -> {
            throw new ConfigException(e.getKey(), get(e.getKey()), e.getValue().get(0));
        });
    }

    private static ConfigDef definition() {
        ConfigDef def = AwsIotConnectionConfig.addDefinitions(new ConfigDef());
        int order = 0;
        return def
            .define(THING_NAME_CONFIG, Type.STRING, THING_NAME_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, THING_NAME_DOC, SHADOW_GROUP, ++order, Width.LONG, "Thing name template")
            .define(SHADOW_NAME_CONFIG, Type.STRING, "", Importance.MEDIUM, SHADOW_NAME_DOC, SHADOW_GROUP, ++order,
                Width.LONG, "Shadow name template")
            .define(STATE_CONFIG, Type.STRING, STATE_DEFAULT, ConfigDef.CaseInsensitiveValidString.in("reported",
                "desired"), Importance.HIGH, STATE_DOC, SHADOW_GROUP, ++order, Width.SHORT, "State section")
            .define(OPTIMISTIC_LOCKING_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, OPTIMISTIC_LOCKING_DOC,
                SHADOW_GROUP, ++order, Width.SHORT, "Optimistic locking")
            .define(MAX_INFLIGHT_CONFIG, Type.INT, MAX_INFLIGHT_DEFAULT, Range.between(1, 10_000), Importance.LOW,
                MAX_INFLIGHT_DOC, SHADOW_GROUP, ++order, Width.SHORT, "Max updates in flight")
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, RETRY_BACKOFF_MS_DEFAULT, Range.atLeast(1L), Importance.LOW,
                RETRY_BACKOFF_MS_DOC, SHADOW_GROUP, ++order, Width.SHORT, "Retry backoff (ms)")
            .define(RETRY_TIMEOUT_MS_CONFIG, Type.LONG, RETRY_TIMEOUT_MS_DEFAULT, Range.atLeast(-1L),
                Importance.MEDIUM, RETRY_TIMEOUT_MS_DOC, SHADOW_GROUP, ++order, Width.SHORT, "Retry timeout (ms)");
    }

    /** Problems spanning keys or needing parsing, by key. */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>(AwsIotConnectionConfig.crossKeyProblems(values));
        for (String key : List.of(THING_NAME_CONFIG, SHADOW_NAME_CONFIG)) {
            if (values.get(key) instanceof String template && !template.isEmpty()) {
                try {
                    RecordTemplate.parse(template);
                } catch (IllegalArgumentException e) {
                    problems.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getMessage());
                }
            }
        }
        return problems;
    }

    public String connectorName() {
        Object name = originals().get(NAME_CONFIG);
        return name == null || name.toString().isBlank() ? "aws-shadow-sink" : name.toString();
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

    public RecordTemplate thingNameTemplate() {
        return RecordTemplate.parse(getString(THING_NAME_CONFIG));
    }

    /** The shadow name template, or null for the classic shadow. */
    public RecordTemplate shadowNameTemplate() {
        String template = getString(SHADOW_NAME_CONFIG);
        return template == null || template.isBlank() ? null : RecordTemplate.parse(template);
    }

    /** {@code reported} or {@code desired}. */
    public String stateSection() {
        return getString(STATE_CONFIG).toLowerCase(Locale.ROOT);
    }

    public boolean optimisticLocking() {
        return getBoolean(OPTIMISTIC_LOCKING_CONFIG);
    }

    public int maxInflight() {
        return getInt(MAX_INFLIGHT_CONFIG);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS_CONFIG);
    }

    public long retryTimeoutMs() {
        return getLong(RETRY_TIMEOUT_MS_CONFIG);
    }
}
