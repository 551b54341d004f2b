package io.mqttbridge.azure;

import io.mqttbridge.core.sink.ConsumptionPause;
import io.mqttbridge.core.sink.SinkOffsetTracker;
import io.mqttbridge.core.Version;
import io.mqttbridge.core.metrics.TaskMetrics;
import io.mqttbridge.core.transport.ReconnectBackoff;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Delivers records to device twins (reported-properties patches) and as telemetry, and lets Connect commit an offset
 * only once IoT Hub acknowledged every record before it: a patch answered 2xx, a message acknowledged.
 *
 * <p>Each device has a queue; its records go out one at a time, in order, over the device's own session from a
 * bounded {@link DeviceSessionPool}, while different devices proceed in parallel. An answer of 429 or 5xx, a lost
 * connection or a timeout sends the record again after a backoff (a timeout first closes the session, so the SDK
 * cannot deliver the old request after the new one); any other 4xx, like a record that cannot become an update, goes
 * to the errant record reporter with the hub's status and message. A hub that refuses a device's credentials fails
 * the task, naming the device and the likely cause.
 *
 * <p>Everything but opening and closing sessions happens on the task thread: the SDK's callbacks hand their
 * outcome over through a queue. {@link #put} waits a bounded time for progress and otherwise pauses consumption
 * (keeping its records), so the consumer never leaves its group.
 */
public class TwinSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(TwinSinkTask.class);
    /** How long {@link #put} works on what it was given before it pauses consumption and returns. */
    static final long PUT_WAIT_MS = 1_000;
    /** Poll timeout Connect uses while consumption is paused, so {@link #put} runs again soon. */
    static final long PAUSED_POLL_MS = 100;
    private static final long EVENT_WAIT_MS = 50;
    private static final long CLOSE_TIMEOUT_MS = 30_000;

    /** One record on its way: the reported patch first, then the telemetry message. */
    private static final class Pending {
        final SinkRecord record;
        final SinkOffsetTracker.Entry entry;
        final TwinUpdate update;
        boolean reportedDone;
        int attempt;
        long sentNanos;

        Pending(SinkRecord record, SinkOffsetTracker.Entry entry, TwinUpdate update) {
            this.record = record;
            this.entry = entry;
            this.update = update;
            this.reportedDone = update.reportedPatch() == null;
        }

        String where() {
            return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        }
    }

    /** A device's records: queued in order, at most one in flight, a backoff after failures. */
    private static final class Device {
        final String id;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        Pending inFlight;
        int failures;
        long notBeforeNanos;
        long stuckSinceNanos;
        Throwable lastError;

        Device(String id) {
            this.id = id;
        }
    }

    private final Function<TwinSinkConfig, DeviceSessionFactory> factories;
    private final LongSupplier nanoTime;
    private final long putWaitMs;
    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final SinkOffsetTracker tracker = new SinkOffsetTracker();
    private final Map<String, Device> devices = new HashMap<>();
    /** Devices with queued records and nothing in flight, not backing off. */
    private final Set<String> ready = new LinkedHashSet<>();
    /** Devices backing off, by when they may go again. */
    private final PriorityQueue<Device> delayed = new PriorityQueue<>(Comparator.comparingLong(d -> d.notBeforeNanos));
    private final Set<String> inFlight = new LinkedHashSet<>();

    private TwinSinkConfig config;
    private IotHubSettings hub;
    private TwinUpdateBuilder builder;
    private DeviceSessionPool pool;
    private ReconnectBackoff backoff;
    private ErrantRecordReporter reporter;
    private ConnectException fatal;
    private int queued;
    private final ConsumptionPause pause = new ConsumptionPause(PAUSED_POLL_MS);
    private long lastIdleCheckNanos;

    private TaskMetrics metrics = TaskMetrics.unregistered();
    private final TaskMetrics.Counter reportedPatches = new TaskMetrics.Counter();
    private final TaskMetrics.Counter telemetrySent = new TaskMetrics.Counter();
    private final TaskMetrics.Counter retried = new TaskMetrics.Counter();
    private final TaskMetrics.Counter deadLettered = new TaskMetrics.Counter();
    private final TaskMetrics.Counter skipped = new TaskMetrics.Counter();
    private final TaskMetrics.Counter timeouts = new TaskMetrics.Counter();
    private final TaskMetrics.Counter contended = new TaskMetrics.Counter();
    private TaskMetrics.Latency latency = TaskMetrics.Latency.NONE;

    public TwinSinkTask() {
        this(config -> SdkDeviceSessionFactory.shared(config.hubSettings()), System::nanoTime, PUT_WAIT_MS);
    }

    TwinSinkTask(Function<TwinSinkConfig, DeviceSessionFactory> factories, LongSupplier nanoTime, long putWaitMs) {
        this.factories = factories;
        this.nanoTime = nanoTime;
        this.putWaitMs = putWaitMs;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        DeviceSessionFactory factory;
        try {
            config = new TwinSinkConfig(props);
            hub = config.hubSettings();
            factory = factories.apply(config);
        } catch (ConfigException | DeviceCredentialsException e) {
            throw new ConnectException("Invalid IoT Hub twin sink configuration: " + e.getMessage(), e);
        }
        builder = new TwinUpdateBuilder(config.deviceIdTemplate(), config.targets(), config.reportedProperty(),
            config.telemetryPropertyHeaders(), config.tombstoneBehavior());
        backoff = new ReconnectBackoff(Duration.ofMillis(hub.retryBackoffMs()),
            Duration.ofMillis(hub.retryBackoffMaxMs()));
        reporter = errantRecordReporter();
        pool = new DeviceSessionPool(config.poolMaxClients(), config.poolOpenConcurrency(), config.poolIdleTimeoutMs(),
            factory, new Listener(), events::add, new PoolEvents(), devices::containsKey,
            config.connectorName() + "-" + config.taskId());
        registerMetrics();
        log.info("IoT Hub twin sink task {} started: devices {} of hub {}{} get {}, at most {} device clients",
            config.taskId(), config.deviceIdTemplate(), hub.hostName().isEmpty() ? "(from connection strings)"
                : hub.hostName(), hub.gatewayHostName().isEmpty() ? "" : " through gateway " + hub.gatewayHostName(),
            config.targets(), config.poolMaxClients());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            log.warn("This Connect worker has no errant record reporter: undeliverable records fail the task");
            return null;
        }
    }

    private void registerMetrics() {
        metrics = context == null ? TaskMetrics.unregistered() : TaskMetrics.register(context::pluginMetrics);
        metrics.gauge("reported-patches-total", "Reported-property patches IoT Hub acknowledged", reportedPatches::get);
        metrics.gauge("telemetry-messages-total", "Telemetry messages IoT Hub acknowledged", telemetrySent::get);
        metrics.gauge("requests-retried-total", "Requests sent again after 429, 5xx, a lost connection or a timeout",
            retried::get);
        metrics.gauge("request-timeouts-total", "Requests that got no answer within iothub.request.timeout.ms",
            timeouts::get);
        metrics.gauge("dead-lettered-total", "Records sent to the errant record reporter", deadLettered::get);
        metrics.gauge("tombstones-skipped-total", "Tombstones skipped (tombstone.behavior=skip)", skipped::get);
        metrics.gauge("records-pending", "Records put and not yet acknowledged: queued or in flight", tracker::size);
        metrics.gauge("device-connections-contended-total", "Times a device's hub connection was lost again and again"
            + " soon after connecting: another client connects as the device", contended::get);
        metrics.gauge("device-clients-open", "Device clients (hub connections) open now", () -> pool.openCount());
        metrics.gauge("device-clients-opened-total", "Device clients opened since the task started",
            () -> pool.openedTotal());
        metrics.gauge("device-clients-evicted-total", "Idle device clients closed to make room for another device",
            () -> pool.evictedTotal());
        latency = metrics.latency("request-latency-ms", "time from sending a request to the hub's answer, ms");
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
            SinkOffsetTracker.Entry entry = tracker.register(partition, record.originalKafkaOffset());
            TwinUpdate update;
            try {
                update = builder.build(record);
            } catch (UndeliverableRecordException e) {
                deadLetter(record, entry, e);
                continue;
            }
            if (update == null) {
                skipped.increment();
                entry.done();
                continue;
            }
            enqueue(new Pending(record, entry, update));
        }
        pump(nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(putWaitMs));
        if (pause.afterPut(context, queued > 0)) {
            log.debug("IoT Hub twin sink task {}: {} records wait for their devices; pausing consumption",
                config.taskId(), queued);
        }
    }

    private void enqueue(Pending pending) {
        String id = pending.update.deviceId();
        Device device = devices.computeIfAbsent(id, Device::new);
        device.queue.addLast(pending);
        queued++;
        if (device.inFlight == null && device.notBeforeNanos == 0) {
            ready.add(id);
        }
    }

    /** Works until nothing waits to be sent (everything queued is in flight) or the deadline passes. */
    private void pump(long deadlineNanos) {
        while (true) {
            runEvents();
            long now = nanoTime.getAsLong();
            checkTimeouts(now);
            promoteDelayed(now);
            dispatch(now);
            closeIdleSessions(now);
            if (fatal != null) {
                throw fatal;
            }
            if (queued == 0) {
                return;
            }
            checkRetryTimeout(now);
            long remaining = deadlineNanos - now;
            if (remaining <= 0) {
                return;
            }
            Runnable event;
            try {
                event = events.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(EVENT_WAIT_MS)),
                    TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event != null) {
                event.run();
            }
        }
    }

    private void runEvents() {
        Runnable event;
        while ((event = events.poll()) != null) {
            event.run();
        }
    }

    private void promoteDelayed(long now) {
        Device device;
        while ((device = delayed.peek()) != null && device.notBeforeNanos - now <= 0) {
            delayed.poll();
            device.notBeforeNanos = 0;
            if (device.inFlight == null && !device.queue.isEmpty()) {
                ready.add(device.id);
            }
        }
    }

    /** Sends the next record of every ready device that has a session; asks the pool for sessions for the others. */
    private void dispatch(long now) {
        boolean poolFull = false;
        Iterator<String> it = ready.iterator();
        while (it.hasNext()) {
            String id = it.next();
            Device device = devices.get(id);
            if (device == null || device.queue.isEmpty()) {
                it.remove();
                continue;
            }
            DeviceSession session = pool.openSession(id, now);
            if (session != null) {
                it.remove();
                send(device, session, now);
            } else if (!poolFull && !pool.has(id)) {
                poolFull = !pool.requestOpen(id, now);
            }
        }
    }

    private void send(Device device, DeviceSession session, long now) {
        Pending pending = device.queue.pollFirst();
        queued--;
        device.inFlight = pending;
        inFlight.add(device.id);
        pool.busy(device.id, true, now);
        int attempt = ++pending.attempt;
        pending.sentNanos = now;
        CompletableFuture<?> request = pending.reportedDone ? session.sendTelemetry(pending.update.telemetry())
            : session.updateReported(pending.update.reportedPatch());
        request.whenComplete((answer, error) -> events.add(() -> completed(device, pending, attempt, answer, error)));
    }

    private void completed(Device device, Pending pending, int attempt, Object answer, Throwable error) {
        if (device.inFlight != pending || pending.attempt != attempt) {
            return; // timed out and sent again meanwhile
        }
        long now = nanoTime.getAsLong();
        device.inFlight = null;
        inFlight.remove(device.id);
        pool.busy(device.id, false, now);
        latency.record((now - pending.sentNanos) / 1_000_000.0);
        if (pending.entry.isForgotten()) {
            next(device);
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                : error;
            // The session's state is unknown (lost connection, cancelled request): the retry gets a fresh one.
            pool.discard(device.id);
            retry(device, pending, cause, now);
            return;
        }
        if (!pending.reportedDone) {
            HubResponse response = (HubResponse) answer;
            if (response.isRetryable()) {
                retry(device, pending, new DeviceConnectException("IoT Hub answered " + response.status()
                    + " to the reported patch of device '" + device.id + "': " + response.errorMessage(), null), now);
                return;
            }
            if (!response.isSuccess()) {
                device.failures = 0;
                device.stuckSinceNanos = 0;
                deadLetter(pending.record, pending.entry, new UndeliverableRecordException("IoT Hub answered "
                    + response.status() + " to the reported patch of device '" + device.id + "': "
                    + response.errorMessage()));
                next(device);
                return;
            }
            reportedPatches.increment();
            pending.reportedDone = true;
            if (pending.update.telemetry() != null) {
                device.queue.addFirst(pending);
                queued++;
                device.failures = 0;
                device.stuckSinceNanos = 0;
                next(device);
                return;
            }
        } else {
            telemetrySent.increment();
        }
        device.failures = 0;
        device.stuckSinceNanos = 0;
        pending.entry.done();
        next(device);
    }

    /** After a device's request finished: its next record is ready, or the device is done for now. */
    private void next(Device device) {
        if (device.queue.isEmpty()) {
            if (device.inFlight == null && device.notBeforeNanos == 0) {
                devices.remove(device.id);
            }
            return;
        }
        if (device.notBeforeNanos == 0) {
            ready.add(device.id);
        }
    }

    private void retry(Device device, Pending pending, Throwable cause, long now) {
        retried.increment();
        device.queue.addFirst(pending);
        queued++;
        device.failures++;
        device.lastError = cause;
        if (device.stuckSinceNanos == 0) {
            device.stuckSinceNanos = now | 1;
        }
        device.notBeforeNanos = (now + backoff.delay(device.failures).toNanos()) | 1;
        ready.remove(device.id);
        delayed.add(device);
        log.debug("Record {} for device '{}' failed (attempt {}), will send it again: {}", pending.where(), device.id,
            pending.attempt, cause.getMessage());
    }

    /** Requests without an answer in time: close the session, so the SDK cannot send them late, and send again. */
    private void checkTimeouts(long now) {
        long timeout = TimeUnit.MILLISECONDS.toNanos(hub.requestTimeoutMs());
        Iterator<String> it = inFlight.iterator();
        while (it.hasNext()) {
            Device device = devices.get(it.next());
            Pending pending = device == null ? null : device.inFlight;
            if (pending == null) {
                it.remove();
                continue;
            }
            if (now - pending.sentNanos > timeout) {
                it.remove();
                timeouts.increment();
                pending.attempt++;
                device.inFlight = null;
                pool.busy(device.id, false, now);
                pool.discard(device.id);
                log.warn("Device '{}': no answer from IoT Hub within {} ms ({}); reconnecting it and sending record {}"
                    + " again", device.id, hub.requestTimeoutMs(), IotHubConnectionConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    pending.where());
                retry(device, pending, new DeviceConnectException("no answer from IoT Hub within "
                    + hub.requestTimeoutMs() + " ms", null), now);
            }
        }
    }

    private void closeIdleSessions(long now) {
        if (now - lastIdleCheckNanos > TimeUnit.SECONDS.toNanos(1)) {
            lastIdleCheckNanos = now;
            pool.closeIdle(now);
        }
    }

    /** Fails the task once a device has been failing for longer than {@code iothub.retry.timeout.ms}. */
    private void checkRetryTimeout(long now) {
        long timeoutMs = config.retryTimeoutMs();
        if (timeoutMs < 0) {
            return;
        }
        for (Device device : delayed) {
            long stuckNanos = now - device.stuckSinceNanos;
            if (device.stuckSinceNanos != 0 && stuckNanos > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                Throwable cause = device.lastError;
                throw new ConnectException("Device '" + device.id + "' could not be delivered to for more than "
                    + timeoutMs + " ms (" + TwinSinkConfig.RETRY_TIMEOUT_MS_CONFIG + "), " + device.failures
                    + " attempts; " + tracker.size() + " records are unacknowledged and their offsets were not "
                    + "committed. Last error: " + (cause == null ? "none" : cause.getMessage()), cause);
            }
        }
    }

    /** Hands a record to the errant record reporter; without one, fails the task naming the record and cause. */
    private void deadLetter(SinkRecord record, SinkOffsetTracker.Entry entry, UndeliverableRecordException error) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        if (reporter == null) {
            throw new ConnectException("Record " + where + " cannot be delivered to IoT Hub and this worker has no "
                + "errant record reporter: " + error.getMessage(), error);
        }
        log.warn("Record {} cannot be delivered to IoT Hub; reporting it to the dead-letter queue: {}", where,
            error.getMessage());
        reporter.report(record, error);
        deadLettered.increment();
        entry.done();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // A fatal error surfaces from put(); the offsets of what the hub acknowledged are committed regardless.
        runEvents();
        if (fatal == null) {
            dispatch(nanoTime.getAsLong());
        }
        Map<TopicPartition, OffsetAndMetadata> committable = tracker.committable(currentOffsets);
        if (log.isDebugEnabled()) {
            log.debug("IoT Hub twin sink task {} commits {} of {} offered; {} in flight, {} queued; {}",
                config.taskId(), committable, currentOffsets, inFlight.size(), queued, pool);
        }
        return committable;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        tracker.forget(partitions);
        for (Device device : devices.values()) {
            int before = device.queue.size();
            device.queue.removeIf(p -> p.entry.isForgotten());
            queued -= before - device.queue.size();
        }
        devices.values().removeIf(d -> d.queue.isEmpty() && d.inFlight == null);
        ready.retainAll(devices.keySet());
        delayed.removeIf(d -> !devices.containsKey(d.id));
    }

    @Override
    public void stop() {
        if (pool != null) {
            pool.close();
        }
        metrics.close();
        if (config != null) {
            log.info("IoT Hub twin sink task {} stopped: {} reported patches and {} telemetry messages acknowledged, "
                + "{} retried, {} dead-lettered; {} records unacknowledged will be consumed again", config.taskId(),
                reportedPatches.get(), telemetrySent.get(), retried.get(), deadLettered.get(), tracker.size());
        }
    }

    private final class PoolEvents implements DeviceSessionPool.Events {
        @Override
        public void opened(String deviceId) {
            Device device = devices.get(deviceId);
            if (device != null && device.inFlight == null && device.notBeforeNanos == 0 && !device.queue.isEmpty()) {
                ready.add(deviceId);
            }
        }

        @Override
        public void openFailed(String deviceId, Exception cause) {
            if (cause instanceof DeviceAuthenticationException) {
                fatal = new ConnectException(cause.getMessage(), cause);
                return;
            }
            Device device = devices.get(deviceId);
            if (device == null) {
                return;
            }
            if (cause instanceof DeviceCredentialsException) {
                // Every record of this device would fail alike: dead-letter them rather than stall the task.
                for (Pending pending : device.queue) {
                    queued--;
                    deadLetter(pending.record, pending.entry, new UndeliverableRecordException(
                        "No usable credentials for device '" + deviceId + "': " + cause.getMessage(), cause));
                }
                device.queue.clear();
                ready.remove(deviceId);
                next(device);
                return;
            }
            long now = nanoTime.getAsLong();
            device.failures++;
            device.lastError = cause;
            if (device.stuckSinceNanos == 0) {
                device.stuckSinceNanos = now | 1;
            }
            device.notBeforeNanos = (now + backoff.delay(device.failures).toNanos()) | 1;
            ready.remove(deviceId);
            delayed.add(device);
            log.warn("Device '{}' could not connect (attempt {}); trying again in {} ms: {}", deviceId,
                device.failures, backoff.delay(device.failures).toMillis(), cause.getMessage());
        }
    }

    /** SDK callbacks: lost connections are the SDK's to restore; a connection given up for good is replaced. */
    private final class Listener implements DeviceSessionListener {
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
            log.info("Device '{}' reconnected to IoT Hub", deviceId);
        }

        @Override
        public void disconnected(String deviceId, String reason, boolean authentication) {
            events.add(() -> {
                if (authentication) {
                    fatal = new ConnectException("IoT Hub disconnected device '" + deviceId + "' for its credentials ("
                        + reason + "); reconnecting with them cannot succeed");
                    return;
                }
                log.warn("The SDK gave up the connection of device '{}' ({}); it will be opened again", deviceId,
                    reason);
                pool.discard(deviceId);
            });
        }
    }
}
