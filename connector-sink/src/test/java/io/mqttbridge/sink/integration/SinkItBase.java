package io.mqttbridge.sink.integration;

import io.mqttbridge.sink.MqttSinkConnector;
import io.mqttbridge.testkit.connect.ConnectorItBase;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.storage.StringConverter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** The sink ITs' helpers on top of {@link ConnectorItBase}: producing records and subscribing to what arrives. */
abstract class SinkItBase extends ConnectorItBase {

    /**
     * A sink connector config: string keys and values (the value is published as its text), Connect's errant
     * record reporter writing to {@code TOPIC.dlq} with error context headers.
     */
    static Map<String, String> sinkProps(String kafkaTopic, String serverUri, String mqttTopic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", MqttSinkConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("topics", kafkaTopic);
        props.put("mqtt.server.uris", serverUri);
        props.put("mqtt.topic", mqttTopic);
        props.put("payload.format", "string");
        props.put("key.converter", StringConverter.class.getName());
        props.put("value.converter", StringConverter.class.getName());
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", kafkaTopic + ".dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        return props;
    }

    /** Produces {@code {"seq":N}} for N in [from, from + count) with key {@code "k" + N % keys}, and flushes. */
    protected void produceSequence(String topic, int from, int count, int keys) {
        try (KafkaProducer<byte[], byte[]> producer = connect.embedded().kafka().createProducer(Map.of())) {
            List<Future<?>> sent = new ArrayList<>(count);
            for (int seq = from; seq < from + count; seq++) {
                sent.add(producer.send(new ProducerRecord<>(topic, bytes("k" + seq % keys),
                    bytes("{\"seq\":" + seq + "}"))));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("Producing to " + topic + " failed", e);
        }
    }

    /** Produces one record with headers (name, value pairs); a null value is a tombstone. */
    protected void produce(String topic, String key, String value, String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            recordHeaders.add(headers[i], bytes(headers[i + 1]));
        }
        try (KafkaProducer<byte[], byte[]> producer = connect.embedded().kafka().createProducer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, null, bytes(key), bytes(value), recordHeaders)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("Producing to " + topic + " failed", e);
        }
    }

    /** A persistent-session subscriber of {@code filter} that the test closes. */
    protected static MqttSubscriber subscribe(String serverUri, String filter) {
        return MqttSubscriber.builder(serverUri, filter).connect();
    }

    /** Waits until every sequence number arrived at the subscriber; fails at once if the connector FAILED. */
    protected SequenceCheck awaitSequences(String connector, MqttSubscriber subscriber, int count) {
        long[] nextStatus = {0};
        return subscriber.awaitSequences(connector, 0, count, DELIVERY_TIMEOUT, QUIET, () -> {
            if (System.nanoTime() - nextStatus[0] >= 0) {
                statusFailingFast(connector);
                nextStatus[0] = System.nanoTime() + STATUS_POLL.toNanos();
            }
        });
    }

    /** Waits until Connect committed the sink's consumer offset of partition 0 of {@code topic} up to {@code offset}. */
    protected void awaitCommittedOffset(String connector, String topic, long offset) {
        org.awaitility.Awaitility.await(connector + " committed offset " + offset + " of " + topic)
            .atMost(DELIVERY_TIMEOUT).pollInterval(STATUS_POLL).until(() -> committedOffset(connector, topic) == offset);
    }

    /** The committed offset of partition 0 of {@code topic} ({@code GET /connectors/NAME/offsets}), or -1. */
    protected long committedOffset(String connector, String topic) {
        for (ConnectorOffset o : connect.embedded().connectorOffsets(connector).offsets()) {
            if (topic.equals(o.partition().get("kafka_topic"))
                && Integer.valueOf(0).equals(((Number) o.partition().get("kafka_partition")).intValue())) {
                return ((Number) o.offset().get("kafka_offset")).longValue();
            }
        }
        return -1;
    }

    protected List<ConsumerRecord<byte[], byte[]>> deadLetters(String kafkaTopic, int atLeast) {
        return connect.consume(kafkaTopic + ".dlq", atLeast, Duration.ofSeconds(60));
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
