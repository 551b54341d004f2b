package io.mqttbridge.source.integration;

import io.mqttbridge.source.integration.fixture.BrokerConfig;
import io.mqttbridge.source.integration.fixture.ConnectCluster;
import io.mqttbridge.source.integration.fixture.MqttBroker;
import io.mqttbridge.source.integration.fixture.MqttBrokers;
import io.mqttbridge.source.integration.fixture.SequenceCheck;
import io.mqttbridge.source.integration.fixture.SequencePublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One embedded Connect cluster (one Kafka broker, one worker) per IT class, started once because it costs about
 * 8 s; each test starts its own Mosquitto and uses its own topics and connector names, and the brokers and
 * connectors it started are removed after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SourceItBase {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");

    protected ConnectCluster connect;
    private final List<MqttBroker> brokers = new ArrayList<>();
    private final List<String> connectors = new ArrayList<>();

    /** Worker properties: offsets flushed often, so a restarted task resumes close to where it stopped. */
    protected Map<String, String> workerProps() {
        return Map.of("offset.flush.interval.ms", "1000");
    }

    @BeforeAll
    void startConnect() throws Exception {
        connect = ConnectCluster.start(workerProps());
    }

    @AfterAll
    void stopConnect() throws Exception {
        if (connect != null) {
            connect.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : connectors) {
            try {
                connect.deleteConnector(name);
            } catch (RuntimeException e) {
                // already gone, or the worker is restarting: nothing left to clean
            }
        }
        connectors.clear();
        for (MqttBroker broker : brokers) {
            broker.close();
        }
        brokers.clear();
    }

    protected MqttBroker broker(BrokerConfig config) throws Exception {
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
        connect.awaitRunning(name, tasks, START_TIMEOUT);
    }

    /** Publishes {@code {"seq":N}} for N in [from, from+count) and waits for the broker's acknowledgements. */
    protected static SequencePublisher publish(String serverUri, String mqttTopic, int qos, long from, int count) {
        SequencePublisher publisher = new SequencePublisher(serverUri, mqttTopic, qos, "pub-" + System.nanoTime());
        publisher.publish(from, from + count, DELIVERY_TIMEOUT);
        return publisher;
    }

    /** The sequence number in a {@code {"seq":N}} payload, or -1 if the value holds none. */
    static long seqOf(byte[] value) {
        if (value == null) {
            return -1;
        }
        Matcher m = SEQ.matcher(new String(value, StandardCharsets.UTF_8));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /**
     * Waits until Kafka holds {@code expected} records on {@code topic} (at least), then reads until the topic is
     * quiet, checks sequence numbers 0..expected-1 arrived, prints the report and fails on any gap.
     */
    protected SequenceCheck awaitAllSequences(String topic, int expected, String scenario) {
        List<ConsumerRecord<byte[], byte[]>> records;
        try {
            connect.consume(topic, expected, DELIVERY_TIMEOUT);
        } catch (RuntimeException | AssertionError e) {
            // fall through: the check below names what is missing
        }
        records = connect.consumeUntilQuiet(topic, Duration.ofSeconds(2), DELIVERY_TIMEOUT);
        SequenceCheck check = SequenceCheck.of(expected, records.stream().map(r -> seqOf(r.value())).toList());
        System.out.println("[" + scenario + "] " + check.report());
        assertTrue(check.missing().isEmpty(), scenario + ": " + check.report());
        return check;
    }
}
