package io.mqttbridge.azure;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of {@link TwinSinkConnector} and its tasks: the IoT Hub connection keys plus which device each record
 * goes to, what it becomes (reported properties, telemetry or both) and the bounds of the device client pool.
 * Connect's own {@code topics}, {@code topics.regex} and {@code errors.*} keys select the records and route the ones
 * that cannot be delivered. Parsing fails fast, with the messages {@code validate()} reports.
 */
public final class TwinSinkConfig extends AbstractConfig {

    public static final String TWIN_GROUP = "Twin Sink";
    public static final String POOL_GROUP = "Device Client Pool";
    public static final String DELIVERY_GROUP = "Delivery";

    public static final String DEVICE_ID_CONFIG = "iothub.device.id";
    public static final String DEVICE_ID_DEFAULT = "${key}";
    public static final String DEVICE_ID_DOC = "Device id template: literal text plus ${key} (a string or primitive "
        + "key), ${key.FIELD.PATH}, ${header.NAME} (the last header NAME), ${value.FIELD.PATH} (a field of a Struct "
        + "or Map value), ${kafka.topic} and ${kafka.partition}. A record whose template cannot be resolved, or "
        + "resolves to an invalid device id, goes to the dead-letter queue with the reason.";

    public static final String TARGETS_CONFIG = "iothub.sink.targets";
    public static final String TARGETS_DEFAULT = "reported";
    public static final String TARGETS_DOC = "What each record becomes: reported (a patch of the device twin's "
        + "reported properties), telemetry (a device-to-cloud message with the value as JSON body) or both, "
        + "comma-separated (the patch first). A record's offset is committed once the hub acknowledged all of them.";

    public static final String REPORTED_PROPERTY_CONFIG = "iothub.reported.property";
    public static final String REPORTED_PROPERTY_DOC = "Empty (default): the value must be a JSON object (a Struct or "
        + "Map) whose members patch the reported properties (null members delete). Otherwise the name of the one "
        + "reported property the whole value is written to, so any value can be reported.";

    public static final String TELEMETRY_PROPERTY_HEADERS_CONFIG = "iothub.telemetry.property.headers";
    public static final String TELEMETRY_PROPERTY_HEADERS_DEFAULT = TwinUpdateBuilder.ALL_HEADERS;
    public static final String TELEMETRY_PROPERTY_HEADERS_DOC = "Record headers that become application properties "
        + "of telemetry messages (usable in IoT Hub message routing queries): a comma-separated list of header names, "
        + "* (default) for every header with a text, number or boolean value, or empty for none.";

    public static final String TOMBSTONE_BEHAVIOR_CONFIG = "tombstone.behavior";
    public static final String TOMBSTONE_BEHAVIOR_DEFAULT = "skip";
    public static final String TOMBSTONE_BEHAVIOR_DOC = "What a record with a null value does: skip (default: "
        + "nothing is sent, the offset advances) or fail (dead-letter it as an error).";

    public static final String POOL_MAX_CLIENTS_CONFIG = "iothub.pool.max.clients";
    public static final int POOL_MAX_CLIENTS_DEFAULT = 100;
    public static final String POOL_MAX_CLIENTS_DOC = "Most device clients (one connection to the hub each) a task "
        + "keeps open. When a device without a client has records, the least recently used idle client is closed "
        + "for it, so any number of devices work within this memory and connection bound.";

    public static final String POOL_OPEN_CONCURRENCY_CONFIG = "iothub.pool.open.concurrency";
    public static final int POOL_OPEN_CONCURRENCY_DEFAULT = 16;
    public static final String POOL_OPEN_CONCURRENCY_DOC = "How many device clients may be connecting (or closing) "
        + "at the same time. A connection takes the device SDK about 0.3 s however fast the hub answers, so many "
        + "short-lived devices need more; mind the hub's throttle on new connections per second (S1: 100 per unit).";

    public static final String POOL_IDLE_TIMEOUT_MS_CONFIG = "iothub.pool.idle.timeout.ms";
    public static final long POOL_IDLE_TIMEOUT_MS_DEFAULT = 300_000L;
    public static final String POOL_IDLE_TIMEOUT_MS_DOC = "A device client with nothing to send for this long is "
        + "closed even while the pool has room, in milliseconds.";

    public static final String RETRY_TIMEOUT_MS_CONFIG = "iothub.retry.timeout.ms";
    public static final long RETRY_TIMEOUT_MS_DEFAULT = -1L;
    public static final String RETRY_TIMEOUT_MS_DOC = "How long the task keeps retrying a device it cannot deliver "
        + "to (hub unreachable, 429 or 5xx answers, timeouts) before it fails with an error naming the device and "
        + "cause. -1 (default): retry forever; offsets are never committed past unacknowledged records.";

    /** Task-level key: which task of the connector this is (0-based), set by {@link TwinSinkConnector}. */
    public static final String TASK_ID_CONFIG = "task.id";
    /** Connect's connector name key. */
    public static final String NAME_CONFIG = "name";

    /** What a record becomes. */
    public enum Target {
        REPORTED, TELEMETRY;

        String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a tombstone does. */
    public enum TombstoneBehavior {
        SKIP, FAIL
    }

    /** The IoT Hub connection fragment plus the sink keys. */
    public static final ConfigDef CONFIG_DEF = definition();

    public TwinSinkConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        crossKeyProblems(values()).entrySet().stream().findFirst().ifPresent(e -> {
            throw new ConfigException("Invalid value for configuration " + e.getKey() + ": " + e.getValue().get(0));
        });
    }

    private static ConfigDef definition() {
        ConfigDef def = IotHubConnectionConfig.addDefinitions(new ConfigDef());
        int order = 0;
        def.define(DEVICE_ID_CONFIG, Type.STRING, DEVICE_ID_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH,
                DEVICE_ID_DOC, TWIN_GROUP, ++order, Width.LONG, "Device id template")
            .define(TARGETS_CONFIG, Type.LIST, TARGETS_DEFAULT, ConfigDef.ValidList.in(
                    Arrays.stream(Target.values()).map(Target::configValue).toArray(String[]::new)),
                Importance.HIGH, TARGETS_DOC, TWIN_GROUP, ++order, Width.MEDIUM, "Targets")
            .define(REPORTED_PROPERTY_CONFIG, Type.STRING, "", Importance.MEDIUM, REPORTED_PROPERTY_DOC, TWIN_GROUP,
                ++order, Width.MEDIUM, "Reported property")
            .define(TELEMETRY_PROPERTY_HEADERS_CONFIG, Type.LIST, TELEMETRY_PROPERTY_HEADERS_DEFAULT,
                Importance.LOW, TELEMETRY_PROPERTY_HEADERS_DOC, TWIN_GROUP, ++order, Width.MEDIUM,
                "Telemetry property headers")
            .define(TOMBSTONE_BEHAVIOR_CONFIG, Type.STRING, TOMBSTONE_BEHAVIOR_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("skip", "fail"), Importance.MEDIUM, TOMBSTONE_BEHAVIOR_DOC,
                TWIN_GROUP, ++order, Width.SHORT, "Tombstones");
        order = 0;
        def.define(POOL_MAX_CLIENTS_CONFIG, Type.INT, POOL_MAX_CLIENTS_DEFAULT, Range.between(1, 10_000),
                Importance.MEDIUM, POOL_MAX_CLIENTS_DOC, POOL_GROUP, ++order, Width.SHORT, "Max device clients")
            .define(POOL_OPEN_CONCURRENCY_CONFIG, Type.INT, POOL_OPEN_CONCURRENCY_DEFAULT, Range.between(1, 256),
                Importance.LOW, POOL_OPEN_CONCURRENCY_DOC, POOL_GROUP, ++order, Width.SHORT, "Connecting at once")
            .define(POOL_IDLE_TIMEOUT_MS_CONFIG, Type.LONG, POOL_IDLE_TIMEOUT_MS_DEFAULT, Range.atLeast(1_000L),
                Importance.LOW, POOL_IDLE_TIMEOUT_MS_DOC, POOL_GROUP, ++order, Width.SHORT, "Idle timeout (ms)");
        def.define(RETRY_TIMEOUT_MS_CONFIG, Type.LONG, RETRY_TIMEOUT_MS_DEFAULT, Range.atLeast(-1L), Importance.MEDIUM,
            RETRY_TIMEOUT_MS_DOC, DELIVERY_GROUP, 1, Width.SHORT, "Retry timeout (ms)");
        return def;
    }

    /**
     * Problems that span keys or need parsing beyond a single validator, by the key whose {@code ConfigValue} should
     * carry them; keys missing from {@code values} (absent or already invalid) are skipped.
     */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>(IotHubConnectionConfig.crossKeyProblems(values));
        if (values.get(DEVICE_ID_CONFIG) instanceof String template) {
            try {
                DeviceIdTemplate.parse(template);
            } catch (IllegalArgumentException e) {
                IotHubConnectionConfig.add(problems, DEVICE_ID_CONFIG, e.getMessage());
            }
        }
        if (values.get(TARGETS_CONFIG) instanceof List<?> targets && targets.isEmpty()) {
            IotHubConnectionConfig.add(problems, TARGETS_CONFIG, "name at least one of reported, telemetry");
        }
        if (values.get(REPORTED_PROPERTY_CONFIG) instanceof String property && !property.isBlank()
            && !property.trim().matches("[^.$ \\p{Cntrl}]{1,1024}")) {
            IotHubConnectionConfig.add(problems, REPORTED_PROPERTY_CONFIG, "a twin property name cannot contain "
                + "'.', '$', spaces or control characters");
        }
        return problems;
    }

    /** The connector's name, from Connect's {@code name} key. */
    public String connectorName() {
        Object name = originals().get(NAME_CONFIG);
        return name == null || name.toString().isBlank() ? "twin-sink" : name.toString();
    }

    /** This task's number; 0 outside a task. */
    public int taskId() {
        Object id = originals().get(TASK_ID_CONFIG);
        return id == null ? 0 : Integer.parseInt(id.toString().trim());
    }

    IotHubSettings hubSettings() {
        return IotHubConnectionConfig.settings(this);
    }

    public DeviceIdTemplate deviceIdTemplate() {
        return DeviceIdTemplate.parse(getString(DEVICE_ID_CONFIG));
    }

    public Set<Target> targets() {
        Set<Target> targets = EnumSet.noneOf(Target.class);
        for (String target : getList(TARGETS_CONFIG)) {
            targets.add(Target.valueOf(target.trim().toUpperCase(Locale.ROOT)));
        }
        return targets;
    }

    public String reportedProperty() {
        return getString(REPORTED_PROPERTY_CONFIG).trim();
    }

    public List<String> telemetryPropertyHeaders() {
        return getList(TELEMETRY_PROPERTY_HEADERS_CONFIG).stream().map(String::trim).filter(s -> !s.isEmpty())
            .toList();
    }

    public TombstoneBehavior tombstoneBehavior() {
        return TombstoneBehavior.valueOf(getString(TOMBSTONE_BEHAVIOR_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    public int poolMaxClients() {
        return getInt(POOL_MAX_CLIENTS_CONFIG);
    }

    public int poolOpenConcurrency() {
        return getInt(POOL_OPEN_CONCURRENCY_CONFIG);
    }

    public long poolIdleTimeoutMs() {
        return getLong(POOL_IDLE_TIMEOUT_MS_CONFIG);
    }

    /** How long undeliverable devices are retried before the task fails; negative means forever. */
    public long retryTimeoutMs() {
        return getLong(RETRY_TIMEOUT_MS_CONFIG);
    }
}
