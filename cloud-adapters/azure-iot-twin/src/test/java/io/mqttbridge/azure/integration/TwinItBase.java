package io.mqttbridge.azure.integration;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.azure.IotHubEmulator;
import io.mqttbridge.testkit.connect.ConnectorItBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The twin connectors' ITs on top of {@link ConnectorItBase}: one IoT Hub emulator per class, named like the hub of
 * the example configs, which are loaded from {@code config/} with only the endpoint and TLS trust overridden.
 */
abstract class TwinItBase extends ConnectorItBase {
    /** The group key of {@code config/azure-twin-sink.json}: demo credentials, decoding to "DEMO ONLY: ...". */
    static final String DEMO_GROUP_KEY = "REVNTyBPTkxZOiBlbnJvbGxtZW50IGdyb3VwIGtleSwgbm90IHJlYWw=";
    static final String DEMO_HUB = "demo-hub.azure-devices.net";
    static final ObjectMapper JSON = new ObjectMapper();

    protected IotHubEmulator hub;

    @BeforeAll
    void startHub(@TempDir Path dir) {
        hub = IotHubEmulator.start(dir.resolve("hub"), DEMO_HUB);
        hub.addEnrollmentGroup(DEMO_GROUP_KEY);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    /** An example config from {@code config/}, pointed at the emulator: gateway and trusted CA. */
    Map<String, String> exampleConfig(String file) {
        Map<String, String> props;
        try {
            props = JSON.readValue(Path.of("..", "..", "config", file).toFile(),
                new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put("iothub.gateway.hostname", hub.gatewayHost());
        props.put("iothub.ssl.truststore.location", hub.tls().caCertPem().toString());
        props.put("iothub.ssl.truststore.type", "PEM");
        return props;
    }

    /** Produces one record with string key and value and headers (name, value pairs); null value: a tombstone. */
    void produce(String topic, String key, String value, String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            recordHeaders.add(headers[i], bytes(headers[i + 1]));
        }
        produceAll(List.of(new ProducerRecord<>(topic, null, bytes(key), bytes(value), recordHeaders)));
    }

    void produceAll(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = connect.embedded().kafka().createProducer(Map.of())) {
            List<Future<?>> sent = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> record : records) {
                sent.add(producer.send(record));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("Producing failed", e);
        }
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, bytes(key), bytes(value));
    }

    /** Waits, failing fast if the connector FAILED, until {@code condition} holds. */
    void awaitDelivered(String connector, String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(DELIVERY_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            statusFailingFast(connector);
            return condition.call();
        });
    }

    /** Waits until Connect committed the sink's offset of partition 0 of {@code topic} up to {@code offset}. */
    void awaitCommittedOffset(String connector, String topic, long offset) {
        Awaitility.await(connector + " committed offset " + offset + " of " + topic).atMost(DELIVERY_TIMEOUT)
            .pollInterval(STATUS_POLL).until(() -> committedOffset(connector, topic) == offset);
    }

    long committedOffset(String connector, String topic) {
        for (ConnectorOffset o : connect.embedded().connectorOffsets(connector).offsets()) {
            if (topic.equals(o.partition().get("kafka_topic"))
                && ((Number) o.partition().get("kafka_partition")).intValue() == 0) {
                return ((Number) o.offset().get("kafka_offset")).longValue();
            }
        }
        return -1;
    }

    List<ConsumerRecord<byte[], byte[]>> deadLetters(String dlqTopic, int atLeast) {
        return connect.consume(dlqTopic, atLeast, Duration.ofSeconds(60));
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> copy(Map<String, String> props) {
        return new HashMap<>(props);
    }
}
