package io.mqttbridge.source.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payloads that do not decode go to the dead-letter topic (raw bytes plus error headers) while good ones flow;
 * without a dead-letter topic and with {@code errors.tolerance=none} the task fails and names the MQTT topic.
 * And {@code validate} through REST puts each mistake on the key that holds it, with a message.
 */
class SourceErrorsAndValidationIT extends SourceItBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void undecodableJsonGoesToTheDeadLetterTopic(@TempDir Path dir) throws Exception {
        MqttBroker broker = broker(BrokerConfig.plain());
        String name = "dlq";
        String kafkaTopic = "dlq-readings";
        String dlqTopic = "dlq-readings-dead";
        connect.createTopic(kafkaTopic, 1);
        connect.createTopic(dlqTopic, 1);
        runConnector(name, SourceConnectorProps.of(broker.tcpUri(), "meters/+/reading", kafkaTopic).jsonStructs()
            .put("errors.deadletterqueue.topic.name", dlqTopic).persistenceDir(dir).build(), 1);

        // 200 good messages with seq 0..199; after every 20th a bad one, whose raw bytes we keep.
        List<byte[]> bad = new ArrayList<>();
        MqttClient client = new MqttClient(broker.tcpUri(), "dlq-publisher", new MemoryPersistence());
        try {
            client.connect(new MqttConnectionOptions());
            for (int seq = 0; seq < 200; seq++) {
                client.publish("meters/m1/reading", ("{\"seq\":" + seq + ",\"kwh\":" + (seq * 0.5) + "}")
                    .getBytes(StandardCharsets.UTF_8), 1, false);
                if (seq % 20 == 19) {
                    byte[] payload = ("{\"seq\":" + seq + ", broken").getBytes(StandardCharsets.UTF_8);
                    bad.add(payload);
                    client.publish("meters/m1/reading", payload, 1, false);
                }
            }
            client.publish("meters/m2/reading", new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF}, 1, false);
            bad.add(new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF});
            client.disconnect();
        } finally {
            client.close();
        }

        // Good ones: Structs through JsonConverter with schemas ({"schema":..., "payload":{"seq":N,...}}).
        awaitAllSequences(name, kafkaTopic, 200);
        List<ConsumerRecord<byte[], byte[]>> good = connect.consumeUntilQuiet(kafkaTopic, Duration.ofSeconds(1),
            DELIVERY_TIMEOUT);
        JsonNode envelope = JSON.readTree(good.get(0).value());
        assertEquals("struct", envelope.path("schema").path("type").asText(), envelope.toString());
        assertEquals(0, envelope.path("payload").path("seq").asInt());

        List<ConsumerRecord<byte[], byte[]>> dead = connect.consume(dlqTopic, bad.size(), DELIVERY_TIMEOUT);
        assertEquals(bad.size(), dead.size(), "one dead letter per bad payload");
        for (int i = 0; i < bad.size(); i++) {
            ConsumerRecord<byte[], byte[]> letter = dead.get(i);
            // The connector's value.converter (JsonConverter here) writes the BYTES value as base64 in an envelope.
            JsonNode value = JSON.readTree(letter.value());
            System.out.println("[dlq] dead letter " + i + ": key=" + key(letter) + " value=" + value
                + " error=" + header(letter, "mqtt.error.message"));
            assertArrayEquals(bad.get(i), Base64.getDecoder().decode(value.path("payload").asText()),
                "dead letter " + i + " holds the raw payload");
            assertTrue(key(letter).startsWith("meters/"), "key is the MQTT topic: " + key(letter));
            assertEquals(key(letter), header(letter, "mqtt.topic"));
            assertTrue(header(letter, "mqtt.error.class") != null && !header(letter, "mqtt.error.class").isBlank());
            assertTrue(header(letter, "mqtt.error.message").contains(key(letter)),
                "error message names the MQTT topic: " + header(letter, "mqtt.error.message"));
            assertEquals(name, header(letter, "mqtt.error.connector"));
        }
    }

    @Test
    void undecodableJsonWithoutDeadLetterTopicFailsTheTask(@TempDir Path dir) throws Exception {
        MqttBroker broker = broker(BrokerConfig.plain());
        String name = "no-dlq";
        connect.createTopic(name, 1);
        runConnector(name, SourceConnectorProps.of(broker.tcpUri(), "meters/+/reading", name).jsonStructs()
            .put("errors.tolerance", "none").persistenceDir(dir).build(), 1);
        publish(broker.tcpUri(), "meters/m7/reading", 1, 0, 5);
        MqttClient client = new MqttClient(broker.tcpUri(), "no-dlq-publisher", new MemoryPersistence());
        try {
            client.connect(new MqttConnectionOptions());
            client.publish("meters/m7/reading", "not json at all".getBytes(StandardCharsets.UTF_8), 1, false);
            client.disconnect();
        } finally {
            client.close();
        }

        String trace = connect.awaitTaskFailed(name, 0, Duration.ofSeconds(60));
        System.out.println("[no-dlq] " + trace.lines().findFirst().orElse(""));
        assertTrue(trace.contains("meters/m7/reading"), "trace names the MQTT topic: " + trace);
        assertTrue(trace.contains("errors.deadletterqueue.topic.name"), "trace says what to set: " + trace);
        SequenceCheck check = SequenceCheck.expecting(0, 5);
        connect.consume(name, 5, DELIVERY_TIMEOUT).forEach(r -> check.record(seqOf(r.value())));
        assertTrue(check.missing().isEmpty(), "good messages before the bad one arrived: " + check.report());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "mqtt.server.uris | http://127.0.0.1:1883",
        "mqtt.server.uris | tcp://",
        "mqtt.topics | plant/#/telemetry",
        "mqtt.topics | plant/tele+metry",
        "kafka.topic | plant.${2}",
        "kafka.topic | plant.${nope}",
        "record.key | ${3}",
        "mqtt.qos | 3",
        "mqtt.ssl.truststore.location | /nonexistent/truststore.jks",
        "mqtt.ssl.keystore.location | /nonexistent/client.p12",
        "mqtt.version | 4",
        "payload.format | xml",
    })
    void validateReportsEachMistakeOnItsKey(String key, String value) {
        Map<String, String> config = new HashMap<>(SourceConnectorProps.of("tcp://127.0.0.1:1883",
            "plant/+/telemetry", "plant.${1}").build());
        config.put("name", "validate-me");
        Map<String, List<String>> baseErrors = validationErrors(SourceConnectorProps.CONNECTOR_CLASS, config);
        assertTrue(baseErrors.isEmpty(), "the base configuration is valid: " + baseErrors);

        config.put(key, value);
        Map<String, List<String>> errors = validationErrors(SourceConnectorProps.CONNECTOR_CLASS, config);
        System.out.println("[validate] " + key + "=" + value + " -> " + errors);
        assertEquals(List.of(key), List.copyOf(errors.keySet()), "errors only on " + key + ": " + errors);
        String message = String.join(" ", errors.get(key));
        assertFalse(message.isBlank());
        assertTrue(message.length() > 20, "a message that says what is wrong: " + message);
    }
}
