package io.mqttbridge.sink;

import io.mqttbridge.core.Version;
import io.mqttbridge.core.codec.PayloadEncoders;
import io.mqttbridge.core.config.MqttConnectionConfig;
import io.mqttbridge.core.metrics.TaskMetrics;
import io.mqttbridge.core.sink.ConsumptionPause;
import io.mqttbridge.core.sink.SinkOffsetTracker;
import io.mqttbridge.core.transport.BrokerLimits;
import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttConnectionSettings;
import io.mqttbridge.core.transport.MqttPacketSize;
import io.mqttbridge.core.transport.MqttPublishRejectedException;
import io.mqttbridge.core.transport.MqttVersion;
import io.mqttbridge.core.transport.MqttTransport;
import io.mqttbridge.core.transport.MqttTransportException;
import io.mqttbridge.core.transport.MqttTransportListener;
import io.mqttbridge.core.transport.MqttTransports;
import io.mqttbridge.core.transport.OutboundMessage;
import io.mqttbridge.core.transport.QosDowngradeException;
import io.mqttbridge.core.transport.QosDowngradePolicy;
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
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Publishes records to MQTT and lets Connect commit an offset only once the broker confirmed every publish
 * before it.
 *
 * <p>{@link #put} turns records into messages and publishes them asynchronously within the publish window
 * ({@code mqtt.max.inflight}, lowered to an MQTT 5 broker's receive maximum); it waits a bounded time for window
 * space and otherwise pauses consumption, keeping the records, so the consumer never leaves its group. Every
 * confirmation, failure and retry is handled on the task thread: a publish whose outcome is unknown (connection
 * lost) is published again once reconnected, with backoff; one the broker refused for what it is goes to the
 * errant record reporter, as do records that cannot become messages. {@link #preCommit} returns, per partition,
 * the offset of the first record not yet finished with ({@link SinkOffsetTracker}).
 *
 * <p>The connection uses a clean session: Kafka, not the MQTT session, holds what is unconfirmed. Delivery is
 * therefore at least once for QoS 1 and 2 (a publish confirmed by the broker whose confirmation was lost is
 * published again), and at most once for QoS 0.
 */
public class MqttSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(MqttSinkTask.class);
    /** How long {@link #put} waits for window space before it pauses consumption and returns. */
    static final long PUT_WAIT_MS = 1_000;
    /** Poll timeout Connect uses while consumption is paused, so {@link #put} runs again soon to publish. */
    static final long PAUSED_POLL_MS = 100;
    /** Longest single wait for a confirmation inside {@link #put}. */
    private static final long COMPLETION_WAIT_MS = 50;
    /**
     * A connection the broker drops this soon after it was established or after the publish window grew, with several
     * publishes in flight, counts as the broker refusing that many in flight.
     */
    static final Duration EARLY_LOSS = Duration.ofSeconds(10);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);
    private static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(10);

    /** Creates the transport; replaceable in tests. */
    @FunctionalInterface
    interface TransportFactory {
        MqttTransport create(MqttConnectionSettings settings, MqttTransportListener listener);
    }

    /** A record on its way to the broker. Mutable fields are touched on the task thread only. */
    private static final class Outgoing {
        final long sequence;
        final SinkRecord record;
        final OutboundMessage message;
        final SinkOffsetTracker.Entry entry;
        int attempts;
        long queuedNanos;
        long firstFailureNanos;
        long notBeforeNanos;
        long publishedNanos;
        Throwable lastError;

        Outgoing(long sequence, SinkRecord record, OutboundMessage message, SinkOffsetTracker.Entry entry) {
            this.sequence = sequence;
            this.record = record;
            this.message = message;
            this.entry = entry;
        }
    }

    /** A publish outcome, timed when the transport reported it rather than when the task thread got to it. */
    private record Completion(Outgoing outgoing, Throwable error, long completedNanos) {
    }

    private final TransportFactory transportFactory;
    private final LongSupplier nanoTime;
    private final long putWaitMs;
    private final ReconnectBackoff retryBackoff = new ReconnectBackoff(RETRY_BACKOFF, RETRY_BACKOFF_MAX);
    private final SinkOffsetTracker tracker = new SinkOffsetTracker();
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private final PriorityQueue<Outgoing> retries = new PriorityQueue<>(Comparator.comparingLong(o -> o.sequence));
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

    private MqttSinkConfig config;
    private String clientId;
    private MqttMessageBuilder builder;
    private volatile MqttTransport transport;
    private ErrantRecordReporter reporter;
    private TaskMetrics metrics = TaskMetrics.unregistered();
    private final TaskMetrics.Counter published = new TaskMetrics.Counter();
    private final TaskMetrics.Counter confirmed = new TaskMetrics.Counter();
    private final TaskMetrics.Counter retried = new TaskMetrics.Counter();
    private final TaskMetrics.Counter deadLettered = new TaskMetrics.Counter();
    private final TaskMetrics.Counter skipped = new TaskMetrics.Counter();
    private TaskMetrics.Latency latency = TaskMetrics.Latency.NONE;
    /** Publishes handed to the transport and not yet handled as completed; task thread only. */
    private int inFlight;
    private long nextSequence;
    private final ConsumptionPause pause = new ConsumptionPause(PAUSED_POLL_MS);
    private QosDowngradePolicy qosPolicy;
    /** Set once a publish needs a QoS the broker lacks and {@code mqtt.qos.downgrade=fail}; task thread only. */
    private ConnectException qosRefused;
    /** When the connection went down (nanoTime), or 0 while it is up. */
    private volatile long downSinceNanos;
    /** When the current (or last) connection was established. */
    private volatile long connectedSinceNanos;
    /** When the publish window last grew: a loss soon after tests the new size as one soon after connecting does. */
    private volatile long windowGrewNanos;
    /**
     * How long the last lost connection had been up, or the window at its size if it grew later; whether it grew;
     * how many losses there were. Set by the listener.
     */
    private volatile long lastLossUptimeNanos;
    private volatile boolean lastLossAfterGrowth;
    private final AtomicInteger losses = new AtomicInteger();
    /** Task thread: the losses already looked at, and failures of in-flight publishes since the last one. */
    private int lossesReviewed;
    private boolean lossUnderReview;
    private int failedSinceLoss;
    /** {@code mqtt.max.inflight}: the window never grows beyond it. */
    private int maxInflight;
    /**
     * The publish window learnt from the broker: an MQTT 3.1.1 broker announces no receive maximum, and one that
     * allows fewer QoS 2 publishes in flight than {@code mqtt.max.inflight} (Mosquitto: max_inflight_messages)
     * drops the connection instead; each such early drop halves it, and it grows back after stable use.
     */
    private volatile PublishWindow window;
    private MqttVersion mqttVersion;
    /** {@code mqtt.max.packet.bytes}, read once: it is checked for every message. */
    private int maxPacketBytes;
    private boolean retainWarned;

    public MqttSinkTask() {
        this(MqttTransports::create, System::nanoTime, PUT_WAIT_MS);
    }

    MqttSinkTask(TransportFactory transportFactory, LongSupplier nanoTime, long putWaitMs) {
        this.transportFactory = transportFactory;
        this.nanoTime = nanoTime;
        this.putWaitMs = putWaitMs;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        try {
            config = new MqttSinkConfig(props);
        } catch (ConfigException e) {
            throw new ConnectException("Invalid MQTT sink configuration: " + e.getMessage(), e);
        }
        MqttConnectionSettings settings = config.connectionSettings();
        clientId = settings.clientId();
        maxInflight = settings.maxInflight();
        mqttVersion = settings.version();
        maxPacketBytes = config.maxPacketBytes();
        retainWarned = false;
        window = new PublishWindow(clientId, nanoTime.getAsLong());
        qosPolicy = new QosDowngradePolicy(config.qosDowngrade(), clientId);
        qosRefused = null;
        builder = new MqttMessageBuilder(config.topicTemplate(),
            PayloadEncoders.create(config.payloadFormat(), config.encoderOptions()), config.qos(), config.retain(),
            config.qosHeader(), config.retainHeader(), config.propertiesFromHeaders(), config.tombstoneBehavior());
        reporter = errantRecordReporter();
        registerMetrics();
        try {
            transport = transportFactory.create(settings, new Listener());
        } catch (RuntimeException e) {
            throw new ConnectException("Cannot set up the MQTT client '" + clientId + "' for "
                + settings.serverUris() + ": " + e.getMessage(), e);
        }
        try {
            transport.connect();
        } catch (MqttTransportException e) {
            transport.close();
            throw new ConnectException("MQTT sink task " + config.taskId() + " cannot start: " + e.getMessage(), e);
        }
        connectedSinceNanos = nanoTime.getAsLong();
        windowGrewNanos = connectedSinceNanos;
        log.info("MQTT sink task {} started: client '{}' publishes to '{}' at QoS {} (retain {}), payload format {}",
            config.taskId(), clientId, config.topicTemplate(), config.qos(), config.retain(),
            config.payloadFormat().configValue());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            log.warn("This Connect worker has no errant record reporter: unpublishable records fail the task");
            return null;
        }
    }

    private void registerMetrics() {
        metrics = context == null ? TaskMetrics.unregistered() : TaskMetrics.register(context::pluginMetrics);
        metrics.gauge("mqtt-publish-total", "Publishes handed to the MQTT client, retries included", published::get);
        metrics.gauge("mqtt-publish-confirmed-total",
            "Publishes the broker confirmed (PUBACK, PUBCOMP; QoS 0: handed to the network)", confirmed::get);
        metrics.gauge("mqtt-publish-retry-total", "Publishes that failed with an unknown outcome and are published"
            + " again", retried::get);
        metrics.gauge("dead-lettered-total", "Records sent to the errant record reporter", deadLettered::get);
        metrics.gauge("tombstones-skipped-total", "Tombstones skipped (tombstone.behavior=skip)", skipped::get);
        latency = metrics.latency("mqtt-publish-latency-ms", "time from publish to the broker's confirmation, ms");
        metrics.gauge("mqtt-publish-pending", "Records put and not yet confirmed: in flight, queued or retrying",
            () -> tracker.size());
        metrics.gauge("mqtt-reconnect-total", "Reconnects of the MQTT client since the task started",
            () -> transport == null ? 0 : transport.reconnectCount());
        metrics.gauge("mqtt-connected", "1 while the MQTT client is connected, else 0",
            () -> transport != null && transport.isConnected() ? 1 : 0);
        metrics.gauge("publish-window", "Publishes the task allows in flight now", this::publishWindow);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        throwIfQosRefused();
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
            SinkOffsetTracker.Entry entry = tracker.register(partition, record.originalKafkaOffset());
            OutboundMessage message;
            try {
                message = builder.build(record);
            } catch (UnpublishableRecordException e) {
                deadLetter(record, entry, e);
                continue;
            }
            if (message == null) {
                skipped.increment();
                entry.done();
                continue;
            }
            Outgoing outgoing = new Outgoing(nextSequence++, record, message, entry);
            outgoing.queuedNanos = nanoTime.getAsLong();
            queue.addLast(outgoing);
        }
        pump(nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(putWaitMs));
        throwIfQosRefused();
        if (pause.afterPut(context, hasWork())) {
            log.debug("MQTT sink task {}: {} records wait for the publish window or the connection; pausing"
                + " consumption", config.taskId(), queue.size() + retries.size());
        }
    }

    private boolean hasWork() {
        return !queue.isEmpty() || !retries.isEmpty();
    }

    /**
     * Publishes what the window and connection allow and handles confirmations until nothing waits to be published
     * or the deadline passes.
     */
    private void pump(long deadlineNanos) {
        while (true) {
            handleCompletions();
            publishWhatFits();
            if (!hasWork()) {
                return;
            }
            checkRetryTimeout();
            long remaining = deadlineNanos - nanoTime.getAsLong();
            if (remaining <= 0) {
                return;
            }
            Completion completion;
            try {
                completion = completions.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(COMPLETION_WAIT_MS)),
                    TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (completion != null) {
                handle(completion);
            }
        }
    }

    private void publishWhatFits() {
        MqttTransport t = transport;
        reviewConnectionLoss(t);
        if (t.isConnected() && losses.get() == lossesReviewed
            && window.growIfProven(maxWindow(t), connectedSinceNanos, nanoTime.getAsLong()) > 0) {
            windowGrewNanos = nanoTime.getAsLong();
        }
        int size = window.size(maxWindow(t));
        while (t.isConnected() && qosRefused == null) {
            if (inFlight >= size) {
                window.filled();
                return;
            }
            Outgoing next = nextToPublish();
            if (next == null) {
                return;
            }
            if (next.entry.isForgotten()) {
                continue;
            }
            BrokerLimits limits = t.brokerLimits();
            OutboundMessage message;
            try {
                message = withinBrokerQos(next.message, limits);
            } catch (QosDowngradeException e) {
                // Kept, unpublished: its offset is never committed, and a restarted task publishes it again.
                retries.add(next);
                qosRefused = new ConnectException(e.getMessage(), e);
                return;
            }
            String tooLarge = tooLarge(message, limits);
            if (tooLarge != null) {
                deadLetter(next.record, next.entry, new UnpublishableRecordException(tooLarge));
                continue;
            }
            warnIfRetainUnavailable(message, limits);
            publish(t, next, message);
        }
    }

    /**
     * Why the message's PUBLISH packet is too large for the broker (its MQTT 5 Maximum Packet Size, or
     * {@code mqtt.max.packet.bytes}), or null. Sent anyway, it would break the connection, and after every reconnect
     * again.
     */
    private String tooLarge(OutboundMessage message, BrokerLimits limits) {
        long announced = limits.maximumPacketSize();
        int configured = maxPacketBytes;
        if (announced <= 0 && configured <= 0) {
            return null;
        }
        long size = MqttPacketSize.publish(message, mqttVersion);
        if (announced > 0 && size > announced && (configured <= 0 || announced <= configured)) {
            return "its PUBLISH packet would be " + size + " bytes, larger than the " + announced + " bytes the broker"
                + " accepts (CONNACK Maximum Packet Size)";
        }
        if (configured > 0 && size > configured) {
            return "its PUBLISH packet would be " + size + " bytes, larger than " + MqttSinkConfig.MAX_PACKET_BYTES_CONFIG
                + "=" + configured;
        }
        return null;
    }

    /** Paho drops the retain flag for a broker without retained messages (CONNACK Retain Available 0): say so once. */
    private void warnIfRetainUnavailable(OutboundMessage message, BrokerLimits limits) {
        if (message.retained() && !limits.retainAvailable() && !retainWarned) {
            retainWarned = true;
            log.warn("The broker of MQTT client '{}' keeps no retained messages (CONNACK Retain Available 0): "
                + "messages that ask for retain, such as those to {}, are published without it", clientId,
                message.topic());
        }
    }

    /**
     * The message at the QoS the broker supports, per {@code mqtt.qos.downgrade}: an MQTT 5 broker announces its
     * Maximum QoS in CONNACK, a 3.1.1 broker without QoS 2 shows it by answering a QoS 2 publish with PUBACK.
     */
    private OutboundMessage withinBrokerQos(OutboundMessage message, BrokerLimits limits)
        throws QosDowngradeException {
        int qos = qosPolicy.effectiveQos(message.qos(), limits.maximumQos(), message.topic(), limits.source());
        return qos == message.qos() ? message
            : new OutboundMessage(message.topic(), message.payload(), qos, message.retained(), message.properties());
    }

    /** Fails the task once the broker's QoS limit was refused ({@code mqtt.qos.downgrade=fail}). */
    private void throwIfQosRefused() {
        if (qosRefused != null) {
            throw qosRefused;
        }
    }

    /** The most the window may be: the transport's window (an MQTT 5 broker's receive maximum) and the config's. */
    private int maxWindow(MqttTransport t) {
        return Math.min(t.publishWindow(), maxInflight);
    }

    /** The publish window in force; for the metric and tests. */
    long publishWindow() {
        MqttTransport t = transport;
        PublishWindow w = window;
        return t == null || w == null ? 0 : w.size(maxWindow(t));
    }

    /**
     * Learns the broker's in-flight limit from an early connection loss, once reconnected (by then every publish the
     * loss cut off has failed): if the lost connection was younger than {@link #EARLY_LOSS} (or the window grew less
     * than that before it) and several publishes failed with it, the window becomes half of them. Every loss
     * restarts the window's probation.
     */
    private void reviewConnectionLoss(MqttTransport t) {
        int seen = losses.get();
        if (seen != lossesReviewed) {
            lossesReviewed = seen;
            window.interrupted(nanoTime.getAsLong());
            // Failures handled before this notice count too: Paho may fail the cut-off publishes before reporting the loss.
            lossUnderReview = lastLossUptimeNanos < EARLY_LOSS.toNanos();
            if (!lossUnderReview) {
                failedSinceLoss = 0;
            }
        }
        if (!lossUnderReview || !t.isConnected()) {
            return;
        }
        lossUnderReview = false;
        int failed = failedSinceLoss;
        failedSinceLoss = 0;
        if (failed > 1) {
            int before = window.size(maxWindow(t));
            int refused = Math.min(before, failed);
            int after = window.earlyLoss(refused, nanoTime.getAsLong());
            log.warn("The broker dropped MQTT client '{}' {} ms after it {}, with {} publishes in flight; the"
                + " publish window is now {}. The broker likely allows fewer than {} in flight, while {}={} (Mosquitto:"
                + " max_inflight_messages): set {} to its limit to avoid this. The window grows again after {} s of"
                + " full use without loss.", clientId, TimeUnit.NANOSECONDS.toMillis(lastLossUptimeNanos),
                lastLossAfterGrowth ? "grew its publish window to " + before : "connected", failed, after, refused,
                MqttConnectionConfig.MAX_INFLIGHT_CONFIG, maxInflight, MqttConnectionConfig.MAX_INFLIGHT_CONFIG,
                window.probationFor(Math.min(2 * after, maxWindow(t))).toSeconds());
        }
    }

    /** A due retry first (they are older than anything queued), else the next queued record. */
    private Outgoing nextToPublish() {
        Outgoing retry = retries.peek();
        if (retry != null && retry.notBeforeNanos - nanoTime.getAsLong() <= 0) {
            return retries.poll();
        }
        return retry == null || queue.isEmpty() ? queue.pollFirst() : null;
    }

    private void publish(MqttTransport t, Outgoing outgoing, OutboundMessage message) {
        inFlight++;
        published.increment();
        outgoing.publishedNanos = nanoTime.getAsLong();
        t.publish(message).whenComplete((ignored, error) ->
            completions.add(new Completion(outgoing, error, nanoTime.getAsLong())));
    }

    private void handleCompletions() {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            handle(completion);
        }
    }

    private void handle(Completion completion) {
        inFlight--;
        Outgoing outgoing = completion.outgoing();
        if (outgoing.entry.isForgotten()) {
            return;
        }
        Throwable error = completion.error();
        if (error == null) {
            if (!lossUnderReview && losses.get() == lossesReviewed) {
                failedSinceLoss = 0; // failures while connected (a quota, say) say nothing about a later loss
            }
            confirmed.increment();
            window.confirmed();
            latency.record((completion.completedNanos() - outgoing.publishedNanos) / 1_000_000.0);
            outgoing.entry.done();
            return;
        }
        if (error instanceof MqttPublishRejectedException rejected) {
            deadLetter(outgoing.record, outgoing.entry, new UnpublishableRecordException(rejected.getMessage(),
                rejected));
            return;
        }
        retried.increment();
        failedSinceLoss++;
        long now = completion.completedNanos();
        outgoing.attempts++;
        outgoing.lastError = error;
        if (outgoing.firstFailureNanos == 0) {
            outgoing.firstFailureNanos = now;
        }
        outgoing.notBeforeNanos = now + retryBackoff.delay(outgoing.attempts).toNanos();
        log.debug("Publish of {} (Kafka {}-{}@{}) failed, attempt {}; will publish again: {}", outgoing.message,
            outgoing.record.topic(), outgoing.record.kafkaPartition(), outgoing.record.kafkaOffset(),
            outgoing.attempts, error.toString());
        retries.add(outgoing);
    }

    /** Hands a record to the errant record reporter; without one, fails the task naming the record and cause. */
    private void deadLetter(SinkRecord record, SinkOffsetTracker.Entry entry, UnpublishableRecordException error) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        if (reporter == null) {
            throw new ConnectException("Record " + where + " cannot be published to MQTT and this worker has no"
                + " errant record reporter: " + error.getMessage(), error);
        }
        log.warn("Record {} cannot be published to MQTT; reporting it to the dead-letter queue: {}", where,
            error.getMessage());
        reporter.report(record, error);
        deadLettered.increment();
        entry.done();
    }

    /**
     * Fails the task once a record has been stuck longer than {@code mqtt.retry.timeout.ms}: a record is stuck from
     * its first failed publish, or, while the connection is down, from the later of its put and the loss. A slow but
     * connected broker never trips it, nor does an outage while nothing waits.
     */
    private void checkRetryTimeout() {
        long timeoutMs = config.retryTimeoutMs();
        if (timeoutMs < 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        Outgoing oldest = null;
        long since = 0;
        for (Outgoing o : retries) {
            if (oldest == null || o.firstFailureNanos - since < 0) {
                oldest = o;
                since = o.firstFailureNanos;
            }
        }
        long down = downSinceNanos;
        Outgoing head = queue.peekFirst();
        if (down != 0 && head != null) {
            long stuck = head.queuedNanos - down > 0 ? head.queuedNanos : down;
            if (oldest == null || stuck - since < 0) {
                since = stuck;
            }
        }
        if ((oldest != null || (down != 0 && head != null)) && now - since > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
            Throwable cause = oldest == null ? null : oldest.lastError;
            throw new ConnectException("MQTT client '" + clientId + "' could not publish for more than " + timeoutMs
                + " ms (" + MqttSinkConfig.RETRY_TIMEOUT_MS_CONFIG + "); " + (queue.size() + retries.size()
                + inFlight) + " records are unconfirmed and their offsets were not committed. "
                + (transport.isConnected() ? "Last error: " + (cause == null ? "none" : cause.getMessage())
                : "The broker is unreachable: see the reconnect attempts logged for client '" + clientId + "'"),
                cause);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        handleCompletions();
        publishWhatFits();
        Map<TopicPartition, OffsetAndMetadata> committable = tracker.committable(currentOffsets);
        if (log.isDebugEnabled()) {
            log.debug("MQTT sink task {} commits {} of {} offered; {} in flight, {} queued, {} retrying",
                config.taskId(), committable, currentOffsets, inFlight, queue.size(), retries.size());
        }
        return committable;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        tracker.forget(partitions);
        queue.removeIf(o -> o.entry.isForgotten());
        retries.removeIf(o -> o.entry.isForgotten());
    }

    @Override
    public void stop() {
        MqttTransport t = transport;
        if (t != null) {
            t.close();
        }
        metrics.close();
        if (config != null) {
            log.info("MQTT sink task {} stopped: {} publishes confirmed, {} retried, {} dead-lettered; {} records"
                + " unconfirmed will be consumed again", config.taskId(), confirmed.get(), retried.get(),
                deadLettered.get(), tracker.size());
        }
    }

    /** Confirmed publishes so far; for tests. */
    long confirmedCount() {
        return confirmed.get();
    }

    private final class Listener implements MqttTransportListener {
        @Override
        public void messageArrived(InboundMessage message) {
            // The sink subscribes to nothing.
        }

        @Override
        public void connectionLost(Throwable cause) {
            long now = nanoTime.getAsLong();
            if (downSinceNanos == 0) {
                downSinceNanos = now | 1;
            }
            long connected = connectedSinceNanos;
            long grew = windowGrewNanos;
            boolean afterGrowth = grew - connected > 0;
            lastLossAfterGrowth = afterGrowth;
            lastLossUptimeNanos = now - (afterGrowth ? grew : connected);
            losses.incrementAndGet();
        }

        @Override
        public void reconnected(boolean sessionPresent) {
            connectedSinceNanos = nanoTime.getAsLong();
            downSinceNanos = 0;
            log.info("MQTT client '{}' reconnected; publishing again what was unconfirmed", clientId);
        }
    }
}
