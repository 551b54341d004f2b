package io.mqttbridge.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.core.Version;
import io.mqttbridge.core.metrics.TaskMetrics;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows shadows and turns their changes into records: {@code update/delta} (or {@code update/documents}) of the
 * configured things, keyed by thing name, with the shadow version and timestamp in headers.
 *
 * <p>Source offsets hold the last version per shadow. A change whose version is not above it is dropped, so a
 * restart does not repeat a version; after every (re)connection the task reads each known shadow ({@code get}) and
 * emits its delta if the version moved on while it was away, so a missed change is not skipped either.
 */
public class ShadowSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(ShadowSourceTask.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long POLL_WAIT_MS = 100;
    static final int MAX_BATCH = 1000;

    /** Header names of the records. */
    public static final String HEADER_THING = "aws.shadow.thing";
    public static final String HEADER_SHADOW = "aws.shadow.name";
    public static final String HEADER_VERSION = "aws.shadow.version";
    public static final String HEADER_TIMESTAMP = "aws.shadow.timestamp";
    public static final String HEADER_EVENT = "aws.shadow.event";
    /** Source partition and offset keys. */
    public static final String PARTITION_THING = "thing";
    public static final String PARTITION_SHADOW = "shadow";
    public static final String OFFSET_VERSION = "version";

    private record Change(String thing, long version, long timestamp, String event, JsonNode value) {
    }

    private final ShadowSinkTask.ClientFactory clientFactory;
    private final LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    /** Per thing, the highest version emitted or stored. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    /** Things to read after a reconnect: the listed ones, or (for +) every one seen. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final TaskMetrics.Counter emitted = new TaskMetrics.Counter();
    private final TaskMetrics.Counter caughtUp = new TaskMetrics.Counter();
    private final TaskMetrics.Counter stale = new TaskMetrics.Counter();
    private TaskMetrics metrics = TaskMetrics.unregistered();
    private ShadowSourceConfig config;
    private volatile ShadowClient client;
    private volatile boolean stopping;

    public ShadowSourceTask() {
        this(ShadowClient::connect);
    }

    ShadowSourceTask(ShadowSinkTask.ClientFactory clientFactory) {
        this.clientFactory = clientFactory;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        stopping = false;
        try {
            config = new ShadowSourceConfig(props);
        } catch (ConfigException e) {
            throw new ConnectException("Invalid shadow source configuration: " + e.getMessage(), e);
        }
        if (!config.allThings()) {
            known.addAll(config.things());
            loadOffsets(config.things());
        }
        metrics = context == null ? TaskMetrics.unregistered() : TaskMetrics.register(context::pluginMetrics);
        metrics.gauge("shadow-changes-total", "Shadow changes turned into records", emitted::get);
        metrics.gauge("shadow-catch-up-total", "Changes found by reading a shadow after a (re)connection",
            caughtUp::get);
        metrics.gauge("shadow-stale-total", "Changes dropped because their version was already emitted",
            stale::get);
        metrics.gauge("aws-iot-reconnect-total", "Reconnects of the AWS IoT client",
            () -> client == null ? 0 : client.reconnectCount());
        AwsIotSettings settings = config.connectionSettings();
        try {
            client = clientFactory.connect(settings, subscriptions(), new Listener());
        } catch (ShadowClientException e) {
            throw new ConnectException("Shadow source task " + config.taskId() + " cannot start: " + e.getMessage(),
                e);
        }
        log.info("Shadow source task {} follows {} of {} as client '{}'", config.taskId(), config.events(),
            config.things(), settings.clientId());
    }

    /** The event topic and the get reply topics of every followed thing (or of + for all). */
    List<String> subscriptions() {
        String event = "update/" + config.events();
        List<String> filters = new ArrayList<>();
        for (String thing : config.things()) {
            ShadowTopic topic = new ShadowTopic(thing, config.shadowName(), event);
            filters.add(topic.topic());
            filters.add(topic.with("get/accepted").topic());
            filters.add(topic.with("get/rejected").topic());
        }
        return filters;
    }

    private void loadOffsets(Collection<String> things) {
        if (context == null || context.offsetStorageReader() == null) {
            return;
        }
        List<Map<String, String>> partitions = things.stream().map(this::partition).toList();
        context.offsetStorageReader().offsets(partitions).forEach((partition, offset) -> {
            if (offset != null && offset.get(OFFSET_VERSION) instanceof Number n) {
                versions.put(String.valueOf(partition.get(PARTITION_THING)), n.longValue());
            }
        });
    }

    private Map<String, String> partition(String thing) {
        return Map.of(PARTITION_THING, thing, PARTITION_SHADOW, config.shadowName());
    }

    /** Reads every known shadow; a version beyond the last emitted one yields its current delta. */
    private void catchUp(ShadowClient client) {
        for (String thing : known) {
            ShadowTopic get = new ShadowTopic(thing, config.shadowName(), "get");
            client.request(get, JSON.createObjectNode()).whenComplete((reply, error) -> {
                if (error != null) {
                    log.warn("Could not read shadow {} after connecting: {}; the next change or reconnect catches up",
                        get.thing(), error.getMessage());
                } else if (reply.accepted()) {
                    caughtUp(thing, reply.document());
                } else if (reply.code() != 404) {
                    log.warn("Reading shadow {} was rejected: {} {}", thing, reply.code(), reply.message());
                }
            });
        }
    }

    private void caughtUp(String thing, JsonNode document) {
        long version = document.path("version").asLong(-1);
        long timestamp = document.path("timestamp").asLong(0);
        JsonNode value;
        if (config.events().equals("delta")) {
            value = document.path("state").path("delta");
            if (value.isMissingNode() || value.isEmpty()) {
                return; // nothing desired that the device has not reported
            }
        } else {
            var current = JSON.createObjectNode();
            current.set("state", document.path("state"));
            current.set("metadata", document.path("metadata"));
            current.put("version", version);
            var documents = JSON.createObjectNode();
            documents.putNull("previous");
            documents.set("current", current);
            documents.put("timestamp", timestamp);
            value = documents;
        }
        if (offer(new Change(thing, version, timestamp, "get", value))) {
            caughtUp.increment();
        }
    }

    /** Queues a change unless its version was already emitted; returns whether it was queued. */
    private boolean offer(Change change) {
        boolean[] queued = {false};
        versions.compute(change.thing(), (thing, last) -> {
            if (last != null && change.version() <= last) {
                return last;
            }
            queued[0] = changes.add(change);
            return change.version();
        });
        if (!queued[0]) {
            stale.increment();
        }
        return queued[0];
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Change first = changes.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS);
        if (first == null || stopping) {
            return null;
        }
        List<Change> batch = new ArrayList<>();
        batch.add(first);
        changes.drainTo(batch, MAX_BATCH - 1);
        List<SourceRecord> records = new ArrayList<>(batch.size());
        for (Change change : batch) {
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString(HEADER_THING, change.thing());
            headers.addString(HEADER_SHADOW, config.shadowName());
            headers.addLong(HEADER_VERSION, change.version());
            headers.addLong(HEADER_TIMESTAMP, change.timestamp());
            headers.addString(HEADER_EVENT, change.event());
            Object value = JSON.convertValue(change.value(), Object.class);
            records.add(new SourceRecord(partition(change.thing()), Map.of(OFFSET_VERSION, change.version()),
                config.kafkaTopic(), null, Schema.STRING_SCHEMA, change.thing(), null, value,
                change.timestamp() > 0 ? change.timestamp() * 1000 : null, headers));
            emitted.increment();
        }
        return records;
    }

    @Override
    public void stop() {
        stopping = true;
        ShadowClient c = client;
        if (c != null) {
            c.close();
        }
        metrics.close();
    }

    private final class Listener implements ShadowClient.Listener {
        @Override
        public void message(ShadowTopic topic, JsonNode payload) {
            if (!topic.shadowName().equals(config.shadowName()) || !topic.suffix().startsWith("update/")) {
                return; // another shadow, or someone else's get reply
            }
            if (known.add(topic.thing()) && config.allThings()) {
                loadOffsets(List.of(topic.thing()));
            }
            long version = config.events().equals("delta") ? payload.path("version").asLong(-1)
                : payload.path("current").path("version").asLong(-1);
            long timestamp = payload.path("timestamp").asLong(0);
            JsonNode value = config.events().equals("delta") ? payload.path("state") : payload;
            offer(new Change(topic.thing(), version, timestamp, config.events(), value));
        }

        @Override
        public void connected(ShadowClient connectedClient) {
            // Off the SDK's thread: the gets' replies arrive on it.
            Thread t = new Thread(() -> catchUp(connectedClient), "shadow-catch-up");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void disconnected(String reason) {
            // The catch-up after the reconnect finds what was missed.
        }
    }
}
