package io.mqttbridge.source.integration;

import io.mqttbridge.testkit.connect.ConnectCluster;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One embedded Connect cluster (one Kafka broker, one worker) per IT class, started once because it costs about
 * 8 s; each test starts its own Mosquitto and uses its own topics and connector names, and the brokers and
 * connectors it started are removed after it.
 *
 * <p>Every wait on the connector fails as soon as the connector or a task is FAILED, with the status trace, instead
 * of running into its timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SourceItBase {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    /** How long a topic must stay quiet after the last expected record, so late duplicates are counted too. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final Duration STATUS_POLL = Duration.ofMillis(500);

    protected ConnectCluster connect;
    private final List<MqttBroker> brokers = new ArrayList<>();
    private final List<String> connectors = new ArrayList<>();

    @BeforeAll
    void startConnect() {
        // The testkit's defaults flush offsets every second, so a restarted task resumes close to where it stopped.
        connect = ConnectCluster.start();
    }

    @AfterAll
    void stopConnect() {
        if (connect != null) {
            connect.close();
        }
    }

    @AfterEach
    void cleanUp() {
        for (String name : connectors) {
            try {
                connect.deleteConnector(name);
            } catch (RuntimeException e) {
                // already gone, or the worker is restarting: nothing left to clean
            }
        }
        connectors.clear();
        brokers.forEach(MqttBroker::close);
        brokers.clear();
    }

    protected MqttBroker broker(BrokerConfig config) {
        MqttBroker broker = MqttBrokers.start(config);
        brokers.add(broker);
        return broker;
    }

    /** Creates (or replaces) a connector; the caller awaits the state it expects. */
    protected void putConnector(String name, Map<String, String> config) {
        connectors.add(name);
        connect.putConnector(name, config);
    }

    /** Creates a connector and waits until it and its tasks run, so its subscriptions are in place. */
    protected void runConnector(String name, Map<String, String> config, int tasks) {
        putConnector(name, config);
        awaitRunning(name, tasks);
    }

    /** Waits until the connector and exactly {@code tasks} tasks are RUNNING; fails at once if one is FAILED. */
    protected void awaitRunning(String name, int tasks) {
        AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
        try {
            Awaitility.await("connector " + name + " and " + tasks + " task(s) RUNNING").atMost(START_TIMEOUT)
                .pollInterval(STATUS_POLL).until(() -> {
                    Map<String, Object> status = statusFailingFast(name);
                    last.set(status);
                    List<?> taskStates = (List<?>) status.getOrDefault("tasks", List.of());
                    return "RUNNING".equals(state(status.get("connector"))) && taskStates.size() == tasks
                        && taskStates.stream().allMatch(t -> "RUNNING".equals(state(t)));
                });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Connector " + name + " did not reach RUNNING with " + tasks + " task(s) within "
                + START_TIMEOUT + "; last status: " + last.get(), e);
        }
    }

    /** Publishes {@code {"seq":N,...}} for N in [from, from+count) and waits for the broker's acknowledgements. */
    protected static void publish(String serverUri, String mqttTopic, int qos, int from, int count) {
        try (SequencePublisher publisher = publisher(serverUri, "pub-" + System.nanoTime(), 20)) {
            publisher.publish(from, count, qos, mqttTopic);
        }
    }

    /** A connected sequence publisher with a clean session and at most {@code maxInflight} unacknowledged messages. */
    protected static SequencePublisher publisher(String serverUri, String clientId, int maxInflight) {
        return SequencePublisher.builder(serverUri).clientId(clientId).maxInflight(maxInflight)
            .ackTimeout(DELIVERY_TIMEOUT).connect();
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** The {@code "seq":N} of a record value ({@code bytes} payloads and JsonConverter envelopes alike). */
    static int seqOf(byte[] value) {
        return SequenceCheck.parseSeq(value);
    }

    /**
     * {@code PUT /connector-plugins/CLASS/config/validate}, reduced to what a test asserts on: each key that has
     * errors, with its messages.
     */
    protected Map<String, List<String>> validationErrors(String connectorClass, Map<String, String> config) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (Object entry : (List<?>) connect.validate(connectorClass, config).getOrDefault("configs", List.of())) {
            Map<?, ?> value = (Map<?, ?>) ((Map<?, ?>) entry).get("value");
            List<?> messages = (List<?>) value.get("errors");
            if (messages != null && !messages.isEmpty()) {
                errors.put(String.valueOf(value.get("name")), messages.stream().map(String::valueOf).toList());
            }
        }
        return errors;
    }

    /** The source offsets Connect stored for the connector ({@code GET /connectors/NAME/offsets}): partition to offset. */
    protected Map<Map<String, ?>, Map<String, ?>> sourceOffsets(String name) {
        Map<Map<String, ?>, Map<String, ?>> offsets = new LinkedHashMap<>();
        for (ConnectorOffset offset : connect.embedded().connectorOffsets(name).offsets()) {
            offsets.put(offset.partition(), offset.offset());
        }
        return offsets;
    }

    /**
     * Reads {@code topic} until sequence numbers 0..expected-1 all arrived and the topic then stayed quiet for a
     * moment, prints the report and fails on any gap. Fails at once, with the status trace, when the connector or a
     * task of {@code connector} is FAILED: a dead task will not deliver the rest.
     */
    protected SequenceCheck awaitAllSequences(String connector, String topic, int expected) {
        SequenceCheck check = SequenceCheck.expecting(0, expected);
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        long lastArrival = System.nanoTime();
        long nextStatus = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = consumerFromBeginning(topic)) {
            while (System.nanoTime() < deadline
                && !(check.isComplete() && System.nanoTime() - lastArrival >= QUIET.toNanos())) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    check.record(seqOrMinusOne(record.value()));
                    lastArrival = System.nanoTime();
                }
                if (!check.isComplete() && System.nanoTime() >= nextStatus) {
                    statusFailingFast(connector, "[" + connector + "] " + check.report());
                    nextStatus = System.nanoTime() + STATUS_POLL.toNanos();
                }
            }
        }
        System.out.println("[" + connector + " -> " + topic + "] " + check.report());
        if (!check.isComplete()) {
            throw new AssertionError(connector + " -> " + topic + " within " + DELIVERY_TIMEOUT + ": " + check.report()
                + "; connector status: " + safeStatus(connector));
        }
        return check;
    }

    private KafkaConsumer<byte[], byte[]> consumerFromBeginning(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = connect.embedded().kafka().createConsumer(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** A record without a sequence number counts as unexpected in the report rather than aborting the read. */
    private static int seqOrMinusOne(byte[] value) {
        try {
            return value == null ? -1 : SequenceCheck.parseSeq(value);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private Map<String, Object> statusFailingFast(String name) {
        return statusFailingFast(name, "");
    }

    /**
     * The connector's status; an {@link AssertionError} with the trace if the connector or a task is FAILED. While
     * a worker restarts, the REST API may not answer: that counts as "not yet", not as a failure.
     */
    private Map<String, Object> statusFailingFast(String name, String context) {
        Map<String, Object> status = safeStatus(name).orElse(Map.of());
        Object connector = status.get("connector");
        if ("FAILED".equals(state(connector))) {
            throw new AssertionError("Connector " + name + " FAILED" + (context.isEmpty() ? "" : " (" + context + ")")
                + ": " + ((Map<?, ?>) connector).get("trace"));
        }
        for (Object task : (List<?>) status.getOrDefault("tasks", List.of())) {
            if ("FAILED".equals(state(task))) {
                throw new AssertionError("Task " + ((Map<?, ?>) task).get("id") + " of " + name + " FAILED"
                    + (context.isEmpty() ? "" : " (" + context + ")") + ": " + ((Map<?, ?>) task).get("trace"));
            }
        }
        return status;
    }

    private Optional<Map<String, Object>> safeStatus(String name) {
        try {
            return Optional.of(connect.status(name));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Object state(Object status) {
        return status instanceof Map<?, ?> map ? map.get("state") : null;
    }
}
