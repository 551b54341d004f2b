package io.mqttbridge.aws.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.aws.ShadowSinkConnector;
import io.mqttbridge.aws.ShadowSourceConnector;
import io.mqttbridge.testkit.aws.AwsIotEmulator;
import io.mqttbridge.testkit.connect.ConnectorItBase;
import io.mqttbridge.testkit.tls.TlsMaterial;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.storage.StringConverter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shadow connectors with the real AWS IoT Device SDK against the testkit's AWS IoT emulator (mutual TLS, the
 * documented shadow topics and semantics) and the embedded Connect cluster.
 */
class ShadowConnectorsIT extends ConnectorItBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    private TlsMaterial tls;
    private AwsIotEmulator aws;

    @BeforeAll
    void startEmulator() throws Exception {
        Path dir = Files.createTempDirectory("shadow-it");
        tls = TlsMaterial.generate(dir.resolve("tls"), List.of("localhost"));
        aws = AwsIotEmulator.start(AwsIotEmulator.Config.builder(tls).build());
    }

    @AfterAll
    void stopEmulator() {
        if (aws != null) {
            aws.close();
        }
    }

    private Map<String, String> connection(TlsMaterial material) {
        Map<String, String> props = new HashMap<>();
        props.put("aws.iot.endpoint", aws.host());
        props.put("aws.iot.port", Integer.toString(aws.port()));
        props.put("aws.iot.certificate.path", material.clientCertPem().toString());
        props.put("aws.iot.private.key.path", material.clientKeyPem().toString());
        props.put("aws.iot.ca.path", tls.caCertPem().toString());
        props.put("aws.iot.connect.timeout.ms", "10000");
        props.put("aws.iot.request.timeout.ms", "5000");
        props.put("aws.iot.reconnect.backoff.ms", "100");
        props.put("aws.iot.reconnect.backoff.max.ms", "1000");
        return props;
    }

    private Map<String, String> sinkProps(String topic) {
        Map<String, String> props = connection(tls);
        props.put("connector.class", ShadowSinkConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("topics", topic);
        props.put("key.converter", StringConverter.class.getName());
        props.put("value.converter", JsonConverter.class.getName());
        props.put("value.converter.schemas.enable", "false");
        props.put("shadow.retry.backoff.ms", "50");
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", topic + ".dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        return props;
    }

    /** Produces {"seq":N,"temp":...} records for each thing, N = 1..perThing in order per thing. */
    private void produceReadings(String topic, List<String> things, int perThing, int padding) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = connect.embedded().kafka().createProducer(Map.of())) {
            List<Future<?>> sent = new ArrayList<>();
            for (int seq = 1; seq <= perThing; seq++) {
                for (String thing : things) {
                    String value = "{\"seq\":" + seq + ",\"temp\":" + (20 + seq % 5) + ",\"pad\":\"" + "x".repeat(padding)
                        + "\"}";
                    sent.add(producer.send(new ProducerRecord<>(topic, thing.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))));
                }
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
    }

    private long committedOffset(String connector, String topic) {
        long sum = -1;
        for (ConnectorOffset o : connect.embedded().connectorOffsets(connector).offsets()) {
            if (topic.equals(o.partition().get("kafka_topic"))) {
                sum = ((Number) o.offset().get("kafka_offset")).longValue();
            }
        }
        return sum;
    }

    private void awaitCommitted(String connector, String topic, long offset) {
        Awaitility.await(connector + " commits " + offset).atMost(WAIT).pollInterval(Duration.ofMillis(500))
            .until(() -> {
                statusFailingFast(connector);
                return committedOffset(connector, topic) == offset;
            });
    }

    private JsonNode reported(String thing) {
        return aws.shadow(thing).map(s -> (JsonNode) s.path("state").path("reported")).orElse(JSON.nullNode());
    }

    @Test
    void recordsBecomeReportedStateInOrderPerThingAndOffsetsFollowAcceptedUpdates() throws Exception {
        String topic = "readings";
        List<String> things = List.of("pump-1", "pump-2", "pump-3", "pump-4");
        connect.createTopic(topic, 1);
        produceReadings(topic, things, 25, 0);
        runConnector("shadow-sink", sinkProps(topic), 1);

        awaitCommitted("shadow-sink", topic, 100);
        for (String thing : things) {
            assertEquals(25, reported(thing).path("seq").asInt(), thing + ": the last record per thing wins");
            assertEquals(25, aws.updatesAccepted(thing), thing + ": one accepted update per record");
        }
    }

    @Test
    void anOversizeDocumentGoesToTheDeadLetterQueueWhileTheRestFlows() throws Exception {
        String topic = "oversize";
        connect.createTopic(topic, 1);
        runConnector("shadow-oversize", sinkProps(topic), 1);
        produceReadings(topic, List.of("big-1"), 1, 9_000);
        produceReadings(topic, List.of("small-1"), 3, 0);

        List<ConsumerRecord<byte[], byte[]>> dead = connect.consume(topic + ".dlq", 1, WAIT);
        String reason = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value(),
            StandardCharsets.UTF_8);
        assertTrue(reason.contains("code 413"), reason);
        awaitCommitted("shadow-oversize", topic, 4);
        assertEquals(3, reported("small-1").path("seq").asInt());
    }

    @Test
    void aVersionConflictIsResolvedByReadingTheShadowAgain() throws Exception {
        String topic = "locking";
        connect.createTopic(topic, 1);
        Map<String, String> props = sinkProps(topic);
        props.put("shadow.optimistic.locking", "true");
        runConnector("shadow-locking", props, 1);
        produceReadings(topic, List.of("valve-1"), 1, 0);
        awaitCommitted("shadow-locking", topic, 1);

        aws.updateDesired("valve-1", "", "{\"open\":true}"); // someone else moves the version on
        long rejectedBefore = aws.updatesRejected("valve-1");
        try (KafkaProducer<byte[], byte[]> producer = connect.embedded().kafka().createProducer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "valve-1".getBytes(StandardCharsets.UTF_8),
                "{\"seq\":2}".getBytes(StandardCharsets.UTF_8))).get();
        }
        awaitCommitted("shadow-locking", topic, 2);
        assertEquals(2, reported("valve-1").path("seq").asInt());
        assertTrue(aws.updatesRejected("valve-1") > rejectedBefore, "the stale version was refused with 409 first");
        assertTrue(aws.shadow("valve-1").orElseThrow().path("state").path("desired").path("open").asBoolean(),
            "the other writer's change survives");
    }

    @Test
    void throttledUpdatesAreRetried() throws Exception {
        String topic = "throttled";
        connect.createTopic(topic, 1);
        aws.rejectNextUpdates("fan-1", 3, 429);
        runConnector("shadow-throttled", sinkProps(topic), 1);
        produceReadings(topic, List.of("fan-1"), 2, 0);
        awaitCommitted("shadow-throttled", topic, 2);
        assertEquals(2, reported("fan-1").path("seq").asInt());
        assertEquals(3, aws.updatesRejected("fan-1"), "the three throttled attempts, each retried");
        assertEquals(2, aws.updatesAccepted("fan-1"));
    }

    @Test
    void anEmulatorRestartMidStreamLosesNothing() throws Exception {
        String topic = "restart";
        List<String> things = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            things.add("meter-" + i);
        }
        connect.createTopic(topic, 1);
        produceReadings(topic, things, 50, 0);
        runConnector("shadow-restart", sinkProps(topic), 1);
        Awaitility.await("some updates accepted").atMost(WAIT).until(() -> aws.updatesAccepted("meter-0") >= 5);
        aws.stop();
        aws.start();
        awaitCommitted("shadow-restart", topic, 500);
        for (String thing : things) {
            assertEquals(50, reported(thing).path("seq").asInt(), thing);
        }
    }

    @Test
    void aCertificateFromAnotherCaFailsTheTaskNamingTheCause() throws Exception {
        TlsMaterial stranger = TlsMaterial.generate(Files.createTempDirectory("stranger"), List.of("localhost"));
        String topic = "stranger";
        connect.createTopic(topic, 1);
        Map<String, String> props = sinkProps(topic);
        props.putAll(connection(stranger));
        props.put("aws.iot.ca.path", tls.caCertPem().toString());
        putConnector("shadow-stranger", props);
        String trace = connect.awaitTaskFailed("shadow-stranger", 0, WAIT);
        assertTrue(trace.contains("Cannot connect to AWS IoT at localhost:" + aws.port()), trace);
        assertTrue(trace.contains("the TLS handshake failed"), trace);
    }

    @Test
    void desiredChangesBecomeRecordsAndARestartNeitherRepeatsNorSkipsAVersion() throws Exception {
        Map<String, String> props = connection(tls);
        props.put("connector.class", ShadowSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("shadow.things", "lamp-1,lamp-2");
        props.put("kafka.topic", "lamp.deltas");
        props.put("key.converter", StringConverter.class.getName());
        props.put("value.converter", JsonConverter.class.getName());
        props.put("value.converter.schemas.enable", "false");
        props.put("topic.creation.default.replication.factor", "-1");
        props.put("topic.creation.default.partitions", "-1");
        connect.createTopic("lamp.deltas", 1);
        runConnector("shadow-source", props, 1);

        aws.updateDesired("lamp-1", "", "{\"on\":true}");
        aws.updateDesired("lamp-2", "", "{\"brightness\":40}");
        List<ConsumerRecord<byte[], byte[]>> first = connect.consume("lamp.deltas", 2, WAIT);
        JsonNode lamp1 = JSON.readTree(valueOf(first, "lamp-1"));
        assertTrue(lamp1.path("on").asBoolean(), lamp1.toString());

        connect.deleteConnector("shadow-source");
        aws.updateDesired("lamp-1", "", "{\"on\":false}"); // while no task follows lamp-1
        runConnector("shadow-source", props, 1);
        List<ConsumerRecord<byte[], byte[]>> all = connect.consume("lamp.deltas", 3, WAIT);
        assertEquals(3, all.size(), "one record per version: " + all.size());
        List<Long> lamp1Versions = all.stream().filter(r -> "lamp-1".equals(new String(r.key())))
            .map(r -> Long.parseLong(new String(r.headers().lastHeader("aws.shadow.version").value()))).toList();
        assertEquals(2, lamp1Versions.size(), "the missed change is caught up, none repeated: " + lamp1Versions);
        assertTrue(lamp1Versions.get(1) > lamp1Versions.get(0), lamp1Versions.toString());
        assertTrue(!JSON.readTree(valueOf(all.subList(2, 3), "lamp-1")).path("on").asBoolean());
    }

    private static byte[] valueOf(List<ConsumerRecord<byte[], byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst()
            .orElseThrow(() -> new AssertionError("no record for " + key)).value();
    }
}
