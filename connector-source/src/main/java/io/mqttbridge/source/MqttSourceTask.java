package io.mqttbridge.source;

import io.mqttbridge.core.Version;
import io.mqttbridge.core.codec.PayloadDecoders;
import io.mqttbridge.core.metrics.TaskMetrics;
import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttConnectionSettings;
import io.mqttbridge.core.transport.MqttTransport;
import io.mqttbridge.core.transport.MqttTransportException;
import io.mqttbridge.core.transport.MqttTransportListener;
import io.mqttbridge.core.transport.MqttTransports;
import io.mqttbridge.core.transport.QosDowngradeException;
import io.mqttbridge.core.transport.QosDowngradePolicy;
import io.mqttbridge.core.transport.Subscription;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT session: subscribes the task's filters, turns arriving messages into records, and acknowledges each
 * message to the broker only after Kafka stored its record ({@link #commitRecord}), in arrival order.
 *
 * <p>Messages arrive on the transport's thread, which registers them with the {@link InOrderAckTracker} (and
 * blocks there when {@code mqtt.max.inflight} messages are outstanding) and queues them; {@link #poll()} maps
 * them on Connect's task thread, so a conversion failure can fail the task.
 */
public class MqttSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(MqttSourceTask.class);
    /** How long an idle {@link #poll()} waits for a message before returning null. */
    static final long POLL_WAIT_MS = 100;
    /** Upper bound on the records one {@link #poll()} returns. */
    static final int MAX_BATCH = 1000;

    /** Creates the transport; replaceable in tests. */
    @FunctionalInterface
    interface TransportFactory {
        MqttTransport create(MqttConnectionSettings settings, MqttTransportListener listener);
    }

    private record Arrival(InboundMessage message, long sequence, long arrivalMillis) {
    }

    private final TransportFactory transportFactory;
    private final Clock clock;
    private final LinkedBlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();

    private volatile boolean stopping;
    private MqttSourceConfig config;
    private String clientId;
    private InOrderAckTracker tracker;
    private MqttRecordMapper mapper;
    private DeadLetterRouter deadLetters;
    private volatile MqttTransport transport;
    private volatile CompletableFuture<List<Integer>> subscription;
    private TaskMetrics metrics = TaskMetrics.unregistered();
    private final TaskMetrics.Counter received = new TaskMetrics.Counter();
    private final TaskMetrics.Counter written = new TaskMetrics.Counter();
    private final TaskMetrics.Counter acked = new TaskMetrics.Counter();
    private final TaskMetrics.Counter deadLettered = new TaskMetrics.Counter();
    private TaskMetrics.Latency writeLatency = TaskMetrics.Latency.NONE;

    public MqttSourceTask() {
        this(MqttTransports::create, Clock.systemUTC());
    }

    MqttSourceTask(TransportFactory transportFactory, Clock clock) {
        this.transportFactory = transportFactory;
        this.clock = clock;
    }

    /**
     * Exports the task's figures through Connect's plugin metrics: JMX
     * {@code kafka.connect:type=plugins,connector=NAME,task=N}.
     */
    private void registerMetrics() {
        metrics = context == null ? TaskMetrics.unregistered() : TaskMetrics.register(context::pluginMetrics);
        metrics.gauge("mqtt-messages-received-total", "Messages received from the broker, redeliveries included",
            received::get);
        metrics.gauge("records-written-total", "Records Kafka acknowledged (dead letters included)", written::get);
        metrics.gauge("mqtt-messages-acked-total", "Messages acknowledged to the broker after Kafka stored them",
            acked::get);
        metrics.gauge("dead-lettered-total", "Messages that could not be converted and were dead-lettered or skipped",
            deadLettered::get);
        metrics.gauge("mqtt-ack-pending", "Messages received and not yet acknowledged: the backpressure window in use",
            this::outstanding);
        metrics.gauge("mqtt-reconnect-total", "Reconnects of the MQTT client since the task started",
            () -> transport == null ? 0 : transport.reconnectCount());
        metrics.gauge("mqtt-connected", "1 while the MQTT client is connected, else 0",
            () -> transport != null && transport.isConnected() ? 1 : 0);
        writeLatency = metrics.latency("record-write-latency-ms", "time from a message's arrival to Kafka's "
            + "acknowledgement of its record, ms");
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        stopping = false;
        try {
            config = new MqttSourceConfig(props);
        } catch (ConfigException e) {
            throw new ConnectException("Invalid MQTT source task configuration: " + e.getMessage(), e);
        }
        MqttConnectionSettings settings = config.connectionSettings();
        clientId = settings.clientId();
        Map<String, String> partition = MqttRecordMapper.sourcePartition(clientId);
        tracker = new InOrderAckTracker(settings.maxInflight(), firstSequence(partition), this::ack);
        mapper = new MqttRecordMapper(config.topicFilters(), config.kafkaTopicTemplate(), config.recordKeyTemplate(),
            PayloadDecoders.create(config.payloadFormat(), config.decoderOptions()), clientId);
        deadLetters = new DeadLetterRouter(config.deadLetterTopic(), config.toleratesAllErrors(),
            config.connectorName());
        registerMetrics();

        MqttTransport created;
        try {
            created = transportFactory.create(settings, new Listener());
        } catch (RuntimeException e) {
            // Bad TLS material or URIs: name the problem, so the task status trace shows it.
            throw new ConnectException("Cannot set up the MQTT client '" + clientId + "' for "
                + settings.serverUris() + ": " + e.getMessage(), e);
        }
        transport = created;
        try {
            created.connect();
        } catch (MqttTransportException e) {
            created.close();
            throw new ConnectException(e.getMessage(), e); // names URI, client id and cause already
        } catch (RuntimeException e) {
            created.close();
            throw new ConnectException("Cannot connect to MQTT broker " + settings.serverUris() + " as client id '"
                + clientId + "': " + e.getMessage(), e);
        }
        subscription = subscribeInBackground(created, config.topics().stream()
            .map(filter -> new Subscription(filter, config.qos())).toList(), settings);
    }

    /**
     * Subscribes off the task thread. A resumed persistent session makes the broker send its queued messages right
     * after CONNACK, before it answers SUBSCRIBE; they fill the ack tracker, whose backpressure blocks Paho's
     * reader, and only {@link #poll()} and {@link #commitRecord} drain it. Waiting for SUBACK in {@link #start}
     * would keep poll from ever running: a deadlock. {@link #poll()} reports a refused subscription instead.
     */
    private CompletableFuture<List<Integer>> subscribeInBackground(MqttTransport target, List<Subscription> subs,
                                                                  MqttConnectionSettings settings) {
        CompletableFuture<List<Integer>> result = new CompletableFuture<>();
        Thread subscriber = new Thread(() -> {
            try {
                List<Integer> granted = target.subscribe(subs);
                checkGranted(subs, granted);
                log.info("MQTT source task {} connected as '{}' to {}, subscribed {} (granted QoS {})",
                    config.taskId(), clientId, settings.serverUris(), config.topics(), granted);
                result.complete(granted);
            } catch (MqttTransportException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "mqtt-subscribe-" + clientId);
        subscriber.setDaemon(true);
        subscriber.start();
        return result;
    }

    /**
     * Applies {@code mqtt.qos.downgrade} to what the SUBACK granted: a broker without QoS 2 (RabbitMQ) grants 1.
     * With {@code fail} the task fails through {@link #poll()}, naming the broker's limit.
     */
    private void checkGranted(List<Subscription> subs, List<Integer> granted) throws QosDowngradeException {
        QosDowngradePolicy policy = new QosDowngradePolicy(config.qosDowngrade(), clientId);
        for (int i = 0; i < subs.size(); i++) {
            policy.effectiveQos(subs.get(i).qos(), granted.get(i), subs.get(i).filter(), "SUBACK granted QoS");
        }
    }

    /** Fails the task (through poll) if the broker refused the subscriptions. */
    private void checkSubscription() {
        CompletableFuture<List<Integer>> current = subscription;
        if (current == null || !current.isCompletedExceptionally() || stopping) {
            return;
        }
        Throwable cause = current.handle((granted, error) -> error).join();
        throw new ConnectException("MQTT subscription to " + config.topics() + " failed for client id '"
            + clientId + "': " + cause.getMessage(), cause);
    }

    /** Continues the sequence from the last offset Connect stored, so sequences stay unique across restarts. */
    private long firstSequence(Map<String, String> partition) {
        if (context == null || context.offsetStorageReader() == null) {
            return 0;
        }
        Map<String, Object> offset = context.offsetStorageReader().offset(partition);
        return offset != null && offset.get(MqttRecordMapper.OFFSET_SEQUENCE) instanceof Number n
            ? n.longValue() + 1 : 0;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        checkSubscription();
        Arrival first = arrivals.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS);
        if (first == null || stopping) {
            return null;
        }
        List<Arrival> batch = new ArrayList<>();
        batch.add(first);
        arrivals.drainTo(batch, MAX_BATCH - 1);
        List<SourceRecord> records = new ArrayList<>(batch.size());
        for (Arrival arrival : batch) {
            toRecord(arrival).ifPresent(records::add);
        }
        return records.isEmpty() ? null : records;
    }

    private Optional<SourceRecord> toRecord(Arrival arrival) {
        InboundMessage message = arrival.message();
        try {
            if (message.payload().length > config.maxPayloadBytes()) {
                // Kafka would refuse the record and the broker redeliver it forever: a dead letter without it.
                RecordMappingException tooLarge = new RecordMappingException(message.topic(), "payload of "
                    + message.payload().length + " bytes on MQTT topic '" + message.topic() + "' is larger than "
                    + MqttSourceConfig.MAX_PAYLOAD_BYTES_CONFIG + "=" + config.maxPayloadBytes(), null);
                message = new InboundMessage(message.topic(), new byte[0], message.qos(), message.retained(),
                    message.duplicate(), message.messageId(), message.connectionEpoch(), message.properties());
                throw tooLarge;
            }
            return Optional.of(mapper.map(message, arrival.sequence(), arrival.arrivalMillis()));
        } catch (RecordMappingException e) {
            deadLettered.increment();
            Optional<SourceRecord> deadLetter = deadLetters.route(message, mapper.sourcePartition(),
                MqttRecordMapper.sourceOffset(arrival.sequence()), arrival.arrivalMillis(), e);
            if (deadLetter.isEmpty()) {
                tracker.committed(arrival.sequence()); // skipped: nothing for Kafka to store, so ack it now
            }
            return deadLetter;
        }
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        long sequence = MqttRecordMapper.sequenceOf(record);
        if (sequence >= 0 && tracker != null) {
            written.increment();
            if (record.timestamp() != null) {
                writeLatency.record(clock.millis() - record.timestamp());
            }
            tracker.committed(sequence);
        }
    }

    @Override
    public void stop() {
        stopping = true;
        if (tracker != null) {
            tracker.close();
        }
        MqttTransport current = transport;
        if (current != null) {
            current.close();
        }
        arrivals.clear();
        metrics.close();
    }

    private void ack(InboundMessage message) {
        MqttTransport current = transport;
        if (current != null && !stopping) {
            current.ack(message);
            acked.increment();
        }
    }

    /** For tests and metrics: messages registered and not yet acked. */
    int outstanding() {
        return tracker == null ? 0 : tracker.outstanding();
    }

    private final class Listener implements MqttTransportListener {
        @Override
        public void messageArrived(InboundMessage message) {
            if (stopping) {
                return;
            }
            long arrivalMillis = clock.millis();
            received.increment();
            try {
                long sequence = tracker.register(message);
                arrivals.add(new Arrival(message, sequence, arrivalMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IllegalStateException e) {
                // Stopping: the message stays unacknowledged and the broker redelivers it to the next session.
                log.debug("Dropped message on '{}' while stopping", message.topic());
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            log.warn("MQTT client '{}' lost its connection ({}); reconnecting with backoff", clientId,
                cause == null ? "no cause given" : cause.getMessage());
        }

        @Override
        public void reconnected(boolean sessionPresent) {
            if (sessionPresent) {
                log.info("MQTT client '{}' reconnected and resumed its session", clientId);
            } else {
                log.warn("MQTT client '{}' reconnected but the broker had no session for it: messages queued while "
                    + "it was away may be lost (session expired after mqtt.session.expiry.interval.ms, or the broker "
                    + "restarted without persistence); subscriptions were renewed", clientId);
            }
        }
    }
}
