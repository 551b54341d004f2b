package io.mqttbridge.source.integration;

import io.mqttbridge.testkit.connect.ConnectorItBase;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The source ITs' helpers on top of {@link ConnectorItBase}: publishing sequences and reading them from Kafka. */
abstract class SourceItBase extends ConnectorItBase {

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

}
