package io.mqttbridge.source.integration;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input between good messages: an empty payload, a payload larger than the worker producer's
 * {@code max.request.size} (1 MiB by default), hostile MQTT 5 user properties (a bidi override, a Unicode line separator, a 60 KB value; Paho refuses to send control characters,
 * a name that looks like one of our own headers). Each must end as a record, a dead letter or a clear error, and the
 * good messages after it must still arrive: the task must not wedge on a message it can never store (before
 * {@code payload.max.bytes} it did: Kafka refused the record, the task failed, and the broker redelivered the same
 * message to every restart).
 */
class SourceBadInputIT extends SourceItBase {

    @Test
    void hostileMessagesDoNotStopTheStream(@TempDir Path dir) throws Exception {
        MqttBroker broker = broker(BrokerConfig.plain());
        String name = "bad-input";
        String dlq = name + "-dead";
        connect.createTopic(name, 1);
        connect.createTopic(dlq, 1);
        runConnector(name, SourceConnectorProps.of(broker.tcpUri(), "bad/+/in", name)
            .put("errors.deadletterqueue.topic.name", dlq).persistenceDir(dir).build(), 1);

        MqttClient client = new MqttClient(broker.tcpUri(), "bad-input-publisher", new MemoryPersistence());
        try {
            client.connect(new MqttConnectionOptions());
            good(client, 0, 10);
            client.publish("bad/empty/in", new byte[0], 1, false);
            good(client, 10, 10);
            MqttMessage hostile = new MqttMessage(bytes("{\"seq\":20}"), 1, false, null);
            MqttProperties properties = new MqttProperties();
            properties.setUserProperties(List.of(new UserProperty("mqtt.topic", "spoofed"),
                new UserProperty("bidi\u202eevil", "line\u2028sep\ufeff"), new UserProperty("big", "x".repeat(60_000))));
            hostile.setProperties(properties);
            client.publish("bad/headers/in", hostile);
            good(client, 21, 9);
            byte[] huge = new byte[1_500_000];
            client.publish("bad/huge/in", huge, 1, false);
            good(client, 30, 10);
            client.disconnect();
        } finally {
            client.close();
        }

        SequenceCheck check = SequenceCheck.expecting(0, 40);
        List<ConsumerRecord<byte[], byte[]>> records = connect.consumeUntilQuiet(name, QUIET, DELIVERY_TIMEOUT);
        records.stream().filter(r -> r.value() != null && r.value().length > 0 && r.value().length < 1000)
            .forEach(r -> check.record(seqOf(r.value())));
        System.out.println("[bad-input] " + check.report() + "; status " + safeStatus(name));
        assertTrue(check.missing().isEmpty(), check.report() + "; status " + safeStatus(name));
        ConsumerRecord<byte[], byte[]> spoofed = records.stream()
            .filter(r -> "bad/headers/in".equals(key(r))).findFirst().orElseThrow();
        assertEquals("bad/headers/in", header(spoofed, "mqtt.topic"), "a user property cannot replace our header");
        assertTrue(records.stream().anyMatch(r -> "bad/empty/in".equals(key(r)) && r.value().length == 0),
            "the empty payload is an empty record");
        List<ConsumerRecord<byte[], byte[]>> dead = connect.consume(dlq, 1, DELIVERY_TIMEOUT);
        System.out.println("[bad-input] dead letters: " + dead.stream()
            .map(r -> key(r) + ": " + header(r, "mqtt.error.message")).toList());
        assertEquals(1, dead.size(), "only the oversized payload is a dead letter");
        assertEquals("bad/huge/in", key(dead.get(0)));
        assertEquals(0, dead.get(0).value().length, "without its payload, which Kafka would refuse");
        assertTrue(header(dead.get(0), "mqtt.error.message").contains("payload.max.bytes=1000000"),
            header(dead.get(0), "mqtt.error.message"));
        statusFailingFast(name);
    }

    private static void good(MqttClient client, int from, int count) throws Exception {
        for (int seq = from; seq < from + count; seq++) {
            client.publish("bad/good/in", bytes("{\"seq\":" + seq + "}"), 1, false);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
