package io.mqttbridge.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqttbridge.core.Version;
import io.mqttbridge.core.codec.PayloadDecoder;
import io.mqttbridge.core.codec.PayloadDecoders;
import io.mqttbridge.core.codec.PayloadDecodingException;
import io.mqttbridge.core.metrics.TaskMetrics;
import io.mqttbridge.core.topic.KafkaTopicName;
import io.mqttbridge.core.topic.TopicTemplate;
import io.mqttbridge.core.transport.ReconnectBackoff;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Follows the desired properties of a set of devices and turns every change into a record, keyed by device id, with
 * the {@code $version} in a header and as the source offset.
 *
 * <p>Each device has its own session, subscribed to desired-property patches. After every (re)connection the task
 * GETs the full twin, since IoT Hub does not queue patches for a disconnected device: a desired {@code $version}
 * newer than the last one emitted becomes a record of the whole desired document ({@code iothub.twin.update=full}),
 * the next version's patch a record of the patch ({@code patch}); see {@link DesiredVersionTracker}. The source
 * offset of a device is the last version emitted, so a restarted task neither skips a change (its GET finds what
 * changed meanwhile) nor repeats one (older or equal versions are dropped). Opening sessions and retrying happen on
 * the task's own threads; records wait in a queue for {@link #poll()}.
 */
public class TwinSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(TwinSourceTask.class);
    static final String HEADER_DEVICE_ID = "iothub.device.id";
    static final String HEADER_VERSION = "iothub.twin.version";
    static final String HEADER_UPDATE = "iothub.twin.update";
    static final String HEADER_HOSTNAME = "iothub.hostname";
    static final String PARTITION_HUB = "hub";
    static final String PARTITION_DEVICE = "device";
    static final String OFFSET_VERSION = "version";
    private static final long POLL_WAIT_MS = 100;
    private static final int MAX_BATCH = 1000;
    private static final int MAX_THREADS = 8;

    /** One followed device. Guarded by its own monitor: SDK callbacks of one device may run concurrently. */
    private final class Device {
        final String id;
        final DesiredVersionTracker versions;
        DeviceSession session;
        boolean getInFlight;
        int failures;

        Device(String id, long lastVersion) {
            this.id = id;
            this.versions = new DesiredVersionTracker(lastVersion);
        }
    }

    private final Function<TwinSourceConfig, DeviceSessionFactory> factories;
    private final LinkedBlockingQueue<SourceRecord> records = new LinkedBlockingQueue<>();
    private final Map<String, Device> devices = new LinkedHashMap<>();

    private TwinSourceConfig config;
    private IotHubSettings hub;
    private String hostName;
    private DeviceSessionFactory factory;
    private PayloadDecoder decoder;
    private TopicTemplate topicTemplate;
    private ReconnectBackoff backoff;
    private ScheduledExecutorService executor;
    private volatile boolean stopping;
    private volatile ConnectException fatal;

    private TaskMetrics metrics = TaskMetrics.unregistered();
    private final TaskMetrics.Counter patches = new TaskMetrics.Counter();
    private final TaskMetrics.Counter fullTwins = new TaskMetrics.Counter();
    private final TaskMetrics.Counter gets = new TaskMetrics.Counter();
    private final TaskMetrics.Counter reconnects = new TaskMetrics.Counter();
    private final TaskMetrics.Counter contended = new TaskMetrics.Counter();
    private final AtomicInteger connected = new AtomicInteger();

    public TwinSourceTask() {
        this(config -> SdkDeviceSessionFactory.shared(config.hubSettings()));
    }

    TwinSourceTask(Function<TwinSourceConfig, DeviceSessionFactory> factories) {
        this.factories = factories;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        stopping = false;
        fatal = null;
        try {
            config = new TwinSourceConfig(props);
            hub = config.hubSettings();
            hostName = new DeviceCredentials(hub).hostName();
            factory = factories.apply(config);
        } catch (ConfigException | DeviceCredentialsException e) {
            throw new ConnectException("Invalid IoT Hub twin source configuration: " + e.getMessage(), e);
        }
        decoder = PayloadDecoders.create(config.payloadFormat(), config.decoderOptions());
        topicTemplate = config.kafkaTopicTemplate();
        backoff = new ReconnectBackoff(Duration.ofMillis(hub.retryBackoffMs()),
            Duration.ofMillis(hub.retryBackoffMaxMs()));
        Map<String, Long> stored = storedVersions(config.deviceIds());
        for (String id : config.deviceIds()) {
            devices.put(id, new Device(id, stored.getOrDefault(id, 0L)));
        }
        registerMetrics();
        AtomicInteger threads = new AtomicInteger();
        String prefix = config.connectorName() + "-" + config.taskId() + "-devices-";
        executor = Executors.newScheduledThreadPool(Math.min(MAX_THREADS, devices.size()), r -> {
            Thread t = new Thread(r, prefix + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        devices.values().forEach(device -> executor.execute(() -> open(device)));
        log.info("IoT Hub twin source task {} started: desired properties of {} devices of {} to '{}' (last versions "
            + "{})", config.taskId(), devices.size(), hostName, topicTemplate, stored);
    }

    private Map<String, Long> storedVersions(List<String> ids) {
        Map<String, Long> versions = new LinkedHashMap<>();
        if (context == null || context.offsetStorageReader() == null) {
            return versions;
        }
        List<Map<String, String>> partitions = ids.stream().map(this::sourcePartition).toList();
        Map<Map<String, String>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(partitions);
        for (String id : ids) {
            Map<String, Object> offset = offsets == null ? null : offsets.get(sourcePartition(id));
            if (offset != null && offset.get(OFFSET_VERSION) instanceof Number n) {
                versions.put(id, n.longValue());
            }
        }
        return versions;
    }

    private Map<String, String> sourcePartition(String deviceId) {
        return Map.of(PARTITION_HUB, hostName, PARTITION_DEVICE, deviceId);
    }

    private void registerMetrics() {
        metrics = context == null ? TaskMetrics.unregistered() : TaskMetrics.register(context::pluginMetrics);
        metrics.gauge("desired-patches-total", "Desired-property patches turned into records", patches::get);
        metrics.gauge("desired-full-total", "Full desired documents turned into records (after a GET found changes)",
            fullTwins::get);
        metrics.gauge("twin-gets-total", "Full twin GETs (after every connection)", gets::get);
        metrics.gauge("device-reconnects-total", "Reconnections of device sessions", reconnects::get);
        metrics.gauge("device-connections-contended-total", "Times a device's hub connection was lost again and again"
            + " soon after connecting: another client connects as the device", contended::get);
        metrics.gauge("devices-connected", "Devices whose session is open", connected::get);
        metrics.gauge("records-queued", "Records waiting for poll()", () -> records.size());
    }

    // ---------------------------------------------------------------------------------------- device life cycle

    private void open(Device device) {
        if (stopping) {
            return;
        }
        DeviceSession session;
        try {
            session = factory.open(device.id, new Listener(device));
        } catch (DeviceAuthenticationException | DeviceCredentialsException e) {
            fatal = new ConnectException(e.getMessage(), e);
            return;
        } catch (DeviceConnectException e) {
            retryOpen(device, e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            retryOpen(device, e);
            return;
        }
        synchronized (device) {
            if (stopping) {
                session.close();
                return;
            }
            device.session = session;
            device.failures = 0;
        }
        connected.incrementAndGet();
        log.info("Device '{}' connected; fetching its twin (last desired version emitted: {})", device.id,
            device.versions.emitted());
        requestTwin(device);
    }

    private void retryOpen(Device device, Exception cause) {
        int failures;
        synchronized (device) {
            failures = ++device.failures;
        }
        long delay = backoff.delay(failures).toMillis();
        log.warn("Device '{}' could not connect (attempt {}); trying again in {} ms: {}", device.id, failures, delay,
            cause.getMessage());
        schedule(() -> open(device), delay);
    }

    /**
     * Closes a device's session and opens a new one after a backoff: its state is unknown ({@code abandon}: the
     * connection closes even if another task shares it) or the SDK gave it up.
     */
    private void reopen(Device device, String why, boolean abandon) {
        DeviceSession old;
        int failures;
        synchronized (device) {
            old = device.session;
            device.session = null;
            device.getInFlight = false;
            failures = ++device.failures;
        }
        if (old == null) {
            return; // already being reopened
        }
        connected.decrementAndGet();
        long delay = backoff.delay(failures).toMillis();
        log.warn("Device '{}': {}; reconnecting in {} ms", device.id, why, delay);
        executor.execute(() -> {
            if (abandon) {
                old.abandon();
            } else {
                old.close();
            }
            schedule(() -> open(device), delay);
        });
    }

    private void schedule(Runnable action, long delayMs) {
        if (!stopping) {
            executor.schedule(action, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    // ------------------------------------------------------------------------------------------------ twin flow

    /** GETs the full twin, unless a GET is under way already (it is asked again when that one leaves us behind). */
    private void requestTwin(Device device) {
        DeviceSession session;
        synchronized (device) {
            if (device.getInFlight || device.session == null || stopping) {
                return;
            }
            device.getInFlight = true;
            session = device.session;
        }
        gets.increment();
        session.getTwin().orTimeout(hub.requestTimeoutMs(), TimeUnit.MILLISECONDS)
            .whenComplete((response, error) -> twinReceived(device, session, response, error));
    }

    private void twinReceived(Device device, DeviceSession session, HubResponse response, Throwable error) {
        synchronized (device) {
            if (device.session != session) {
                return; // an answer for a session replaced meanwhile
            }
            device.getInFlight = false;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                : error;
            reopen(device, cause instanceof TimeoutException ? "no answer to its twin GET within "
                + hub.requestTimeoutMs() + " ms" : "its twin GET failed: " + cause.getMessage(), true);
            return;
        }
        if (!response.isSuccess()) {
            int failures;
            synchronized (device) {
                failures = ++device.failures;
            }
            long delay = backoff.delay(failures).toMillis();
            log.warn("IoT Hub answered {} to the twin GET of device '{}': {}; asking again in {} ms", response.status(),
                device.id, response.errorMessage(), delay);
            schedule(() -> requestTwin(device), delay);
            return;
        }
        JsonNode desired;
        try {
            desired = response.json().get("desired");
        } catch (IOException e) {
            desired = null;
        }
        if (desired == null || !desired.isObject() || !desired.path("$version").canConvertToLong()) {
            log.warn("The twin of device '{}' has no desired properties with a $version; asking again", device.id);
            schedule(() -> requestTwin(device), backoff.delay(1).toMillis());
            return;
        }
        long version = desired.get("$version").asLong();
        ObjectNode properties = ((ObjectNode) desired).deepCopy();
        properties.remove("$version");
        properties.remove("$metadata");
        boolean again;
        synchronized (device) {
            device.failures = 0;
            if (device.versions.twinArrived(version)) {
                emit(device, version, "full", properties.toString());
                fullTwins.increment();
            }
            again = device.versions.behind();
        }
        if (again) {
            requestTwin(device);
        }
    }

    private void desiredChanged(Device device, long version, String patchJson) {
        boolean behind;
        synchronized (device) {
            if (device.versions.patchArrived(version)) {
                emit(device, version, "patch", patchJson);
                patches.increment();
                return;
            }
            behind = device.versions.behind();
        }
        if (behind) {
            log.info("Device '{}' received desired version {} after {}: fetching the twin for what it missed",
                device.id, version, device.versions.emitted());
            requestTwin(device);
        }
    }

    /** Queues a record; called holding the device's monitor, so a device's records keep their version order. */
    private void emit(Device device, long version, String update, String json) {
        String topic = topicTemplate.render(variable -> KafkaTopicName.sanitize(device.id));
        SchemaAndValue value;
        try {
            value = decoder.decode(topic, json.getBytes(StandardCharsets.UTF_8));
        } catch (PayloadDecodingException e) {
            // The hub's own JSON always decodes; a decoder refusing it is a bug worth failing loudly for.
            fatal = new ConnectException("The desired properties of device '" + device.id + "' (version " + version
                + ") cannot become a record: " + e.getMessage(), e);
            return;
        }
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(HEADER_DEVICE_ID, device.id);
        headers.addLong(HEADER_VERSION, version);
        headers.addString(HEADER_UPDATE, update);
        headers.addString(HEADER_HOSTNAME, hostName);
        records.add(new SourceRecord(sourcePartition(device.id), Map.of(OFFSET_VERSION, version), topic, null,
            Schema.STRING_SCHEMA, device.id, value.schema(), value.value(), System.currentTimeMillis(), headers));
    }

    // ------------------------------------------------------------------------------------------------- Connect

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        ConnectException failure = fatal;
        if (failure != null) {
            throw failure;
        }
        SourceRecord first = records.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS);
        if (first == null || stopping) {
            return null;
        }
        List<SourceRecord> batch = new ArrayList<>();
        batch.add(first);
        records.drainTo(batch, MAX_BATCH - 1);
        return batch;
    }

    @Override
    public void stop() {
        stopping = true;
        if (executor != null) {
            executor.shutdownNow();
        }
        List<DeviceSession> sessions = new ArrayList<>();
        for (Device device : devices.values()) {
            synchronized (device) {
                if (device.session != null) {
                    sessions.add(device.session);
                    device.session = null;
                }
            }
        }
        closeAll(sessions);
        records.clear();
        metrics.close();
        if (config != null) {
            log.info("IoT Hub twin source task {} stopped: {} patches and {} full desired documents emitted, {} GETs,"
                + " {} reconnects", config.taskId(), patches.get(), fullTwins.get(), gets.get(), reconnects.get());
        }
    }

    private static void closeAll(Collection<DeviceSession> sessions) {
        sessions.parallelStream().forEach(DeviceSession::close);
    }

    /** SDK callbacks of one device. */
    private final class Listener implements DeviceSessionListener {
        private final Device device;

        Listener(Device device) {
            this.device = device;
        }

        @Override
        public void desiredChanged(String deviceId, long version, String patchJson) {
            TwinSourceTask.this.desiredChanged(device, version, patchJson);
        }

        @Override
        public void connectionLost(String deviceId, String reason) {
            log.info("Device '{}' lost its connection to IoT Hub ({}); the SDK reconnects it", deviceId, reason);
        }

        @Override
        public void connectionContended(String deviceId, int losses) {
            contended.increment();
        }

        @Override
        public void reconnected(String deviceId) {
            reconnects.increment();
            log.info("Device '{}' reconnected; fetching its twin for changes made meanwhile", deviceId);
            // A GET of the lost connection will never be answered: forget it, so this one goes out.
            synchronized (device) {
                device.getInFlight = false;
            }
            requestTwin(device);
        }

        @Override
        public void disconnected(String deviceId, String reason, boolean authentication) {
            if (authentication) {
                fatal = new ConnectException("IoT Hub disconnected device '" + deviceId + "' for its credentials ("
                    + reason + "); reconnecting with them cannot succeed");
                return;
            }
            reopen(device, "the SDK gave its connection up (" + reason + ")", false);
        }
    }
}
