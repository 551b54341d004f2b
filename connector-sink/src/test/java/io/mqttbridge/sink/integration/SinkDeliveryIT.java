package io.mqttbridge.sink.integration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.tls.TlsMaterial;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records from Kafka reach a real MQTT subscriber: every QoS and protocol version, templates, retain, TLS, DLQ. */
class SinkDeliveryIT extends SinkItBase {

    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({"5, 0", "5, 1", "5, 2", "3.1.1, 0", "3.1.1, 1", "3.1.1, 2"})
    void everyRecordReachesTheSubscriberAndOffsetsFollowTheBrokersConfirmations(String version, int qos) {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "rt-" + version.replace('.', '_') + "-" + qos;
        int count = 2_000;
        connect.createTopic(topic, 1);
        produceSequence(topic, 0, count, 4);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "out/" + topic + "/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(), "out/${kafka.topic}/${key}");
            props.put("mqtt.version", version);
            props.put("mqtt.qos", Integer.toString(qos));
            // At the broker's own limit: beyond it Mosquitto drops an MQTT 3.1.1 QoS 2 publisher (tested below).
            props.put("mqtt.max.inflight", Integer.toString(BrokerConfig.plain().maxInflightMessages()));
            runConnector(topic, props, 1);

            SequenceCheck check = awaitSequences(topic, subscriber, count);
            assertTrue(check.isComplete(), check.report());
            if (qos > 0) {
                assertEquals(0, check.duplicateCount(), "no fault, no duplicate: " + check.report());
            }
            List<MqttSubscriber.Received> received = subscriber.messages();
            assertTrue(received.stream().allMatch(r -> r.qos() == qos), "every message arrives at QoS " + qos);
            assertTrue(received.stream().allMatch(r -> r.topic().matches("out/" + topic + "/k[0-3]")),
                "topics from the key: " + received.get(0).topic());
            awaitCommittedOffset(topic, topic, count);
        }
    }

    /**
     * Mosquitto drops an MQTT 3.1.1 client that has more QoS 2 publishes in flight than max_inflight_messages (MQTT
     * 3.1.1 has no receive maximum to announce it): the task learns a smaller window and delivers everything.
     */
    @Test
    void aBrokerThatAllowsFewerInFlightThanConfiguredIsLearntAndNothingIsLost() {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "learnt-window";
        int count = 2_000;
        connect.createTopic(topic, 1);
        produceSequence(topic, 0, count, 4);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "lw/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(), "lw/${key}");
            props.put("mqtt.version", "3.1.1");
            props.put("mqtt.qos", "2");
            props.put("mqtt.max.inflight", "1000");
            runConnector(topic, props, 1);
            assertTrue(awaitSequences(topic, subscriber, count).isComplete());
            awaitCommittedOffset(topic, topic, count);
        }
    }

    @Test
    void topicsComeFromKeyHeaderAndValueFieldsAndMqtt5PropertiesFromHeaders() {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "templates";
        connect.createTopic(topic, 1);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "plant/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(),
                "plant/${header.site}/${value.device.id}/${key}");
            props.put("value.converter", JsonConverter.class.getName());
            props.put("value.converter.schemas.enable", "false");
            props.put("payload.format", "json");
            runConnector(topic, props, 1);

            produce(topic, "cmd", "{\"device\":{\"id\":\"esp-7\"},\"set\":{\"led\":true,\"level\":0.25}}",
                "site", "berlin", "mqtt.content.type", "application/json", "mqtt.user.origin", "kafka",
                "mqtt.response.topic", "replies/esp-7", "mqtt.message.expiry.interval", "3600");
            MqttSubscriber.Received m = subscriber.awaitMessage("templated message",
                r -> r.topic().equals("plant/berlin/esp-7/cmd"), DELIVERY_TIMEOUT);
            // JsonConverter gives schemaless JSON as a HashMap: member order is not kept, the document is.
            assertEquals(json("{\"device\":{\"id\":\"esp-7\"},\"set\":{\"led\":true,\"level\":0.25}}"),
                json(m.text()));
            assertEquals("application/json", m.contentType());
            assertEquals("replies/esp-7", m.responseTopic());
            assertEquals(List.of(Map.entry("origin", "kafka")), m.userProperties());
            assertEquals(3600L, m.messageExpiryInterval());
        }
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void retainedMessagesAreSetAndTombstonesClearThem() {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "retained";
        connect.createTopic(topic, 1);
        Map<String, String> props = sinkProps(topic, broker.tcpUri(), "state/${key}");
        props.put("mqtt.retain", "true");
        props.put("tombstone.behavior", "clear.retained");
        runConnector(topic, props, 1);

        produce(topic, "d1", "{\"seq\":1}");
        produce(topic, "d2", "{\"seq\":2}");
        try (MqttSubscriber late = subscribe(broker.tcpUri(), "state/#")) {
            late.awaitMessage("retained d1", r -> r.topic().equals("state/d1") && r.retained(), DELIVERY_TIMEOUT);
            late.awaitMessage("retained d2", r -> r.topic().equals("state/d2") && r.retained(), DELIVERY_TIMEOUT);
            produce(topic, "d1", null);
            MqttSubscriber.Received clear = late.awaitMessage("the clearing message",
                r -> r.topic().equals("state/d1") && r.payload().length == 0, DELIVERY_TIMEOUT);
            assertEquals(0, clear.payload().length);
        }
        produce(topic, "d3", "{\"seq\":3}");
        try (MqttSubscriber later = subscribe(broker.tcpUri(), "state/#")) {
            later.awaitMessage("retained d3", r -> r.topic().equals("state/d3") && r.retained(), DELIVERY_TIMEOUT);
            later.awaitMessage("retained d2", r -> r.topic().equals("state/d2") && r.retained(), DELIVERY_TIMEOUT);
            assertFalse(later.messages().stream().anyMatch(r -> r.topic().equals("state/d1")),
                "the tombstone cleared the retained message of d1: " + later.messages());
        }
    }

    @Test
    void anUnroutableRecordGoesToTheDeadLetterQueueWhileTheRestFlows() {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "unroutable";
        connect.createTopic(topic, 1);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "dev/#")) {
            runConnector(topic, sinkProps(topic, broker.tcpUri(), "dev/${key}"), 1);
            produceSequence(topic, 0, 50, 5);
            produce(topic, "bad/#", "{\"seq\":-7}");
            produce(topic, null, "{\"seq\":-8}");
            produceSequence(topic, 50, 50, 5);

            SequenceCheck check = awaitSequences(topic, subscriber, 100);
            assertTrue(check.isExact(), check.report());
            List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(topic, 2);
            assertEquals(2, dead.size());
            assertEquals("{\"seq\":-7}", new String(dead.get(0).value()));
            String reason = header(dead.get(0), "__connect.errors.exception.message");
            assertTrue(reason.contains("contains the wildcard '#'"), reason);
            assertTrue(header(dead.get(1), "__connect.errors.exception.message").contains("${key} has no value"));
            awaitCommittedOffset(topic, topic, 102);
        }
    }

    @Test
    void publishesOverTls(@TempDir Path dir) {
        TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"));
        MqttBroker broker = broker(BrokerConfig.builder().tls(tls).requireClientCertificate(true).build());
        String topic = "tls";
        connect.createTopic(topic, 1);
        try (MqttSubscriber subscriber = MqttSubscriber.builder(broker.sslUri(), "secure/#")
            .sslContext(tls.clientSslContext(true)).connect()) {
            Map<String, String> props = sinkProps(topic, broker.sslUri(), "secure/${key}");
            props.put("mqtt.ssl.truststore.location", tls.caCertPem().toString());
            props.put("mqtt.ssl.truststore.type", "PEM");
            props.put("mqtt.ssl.keystore.location", tls.clientKeystore("PKCS12").toString());
            props.put("mqtt.ssl.keystore.type", "PKCS12");
            props.put("mqtt.ssl.keystore.password", tls.password());
            runConnector(topic, props, 1);
            produceSequence(topic, 0, 200, 2);
            assertTrue(awaitSequences(topic, subscriber, 200).isExact());
        }
    }

    /** The shipped example config works as is, with only the broker address changed. */
    @Test
    void theExampleConfigInConfigDirectoryDeliversCommands() throws Exception {
        MqttBroker broker = broker(BrokerConfig.plain());
        Map<String, String> props = new ObjectMapper().readValue(
            Path.of("..", "config", "mqtt-sink.json").toFile(), new TypeReference<Map<String, String>>() { });
        props.put("mqtt.server.uris", broker.tcpUri());
        String topic = props.get("topics");
        connect.createTopic(topic, 1);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "plant/+/commands")) {
            runConnector(props.get("name"), props, 1);
            produce(topic, "esp32-01", "{\"led\":\"on\"}");
            MqttSubscriber.Received m = subscriber.awaitMessage("the command",
                r -> r.topic().equals("plant/esp32-01/commands"), DELIVERY_TIMEOUT);
            assertEquals(json("{\"led\":\"on\"}"), json(m.text()));
        }
    }

    @Test
    void anUnreachableBrokerFailsTheTaskNamingTheCause() {
        String topic = "unreachable";
        connect.createTopic(topic, 1);
        Map<String, String> props = sinkProps(topic, "tcp://127.0.0.1:1", "x/${key}");
        props.put("mqtt.connect.timeout.ms", "2000");
        putConnector(topic, props);
        String trace = connect.awaitTaskFailed(topic, 0, Duration.ofSeconds(60));
        assertTrue(trace.contains("Cannot connect to tcp://127.0.0.1:1"), trace);
    }
}
