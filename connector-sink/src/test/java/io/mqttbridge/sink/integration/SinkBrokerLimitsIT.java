package io.mqttbridge.sink.integration;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Records the broker cannot take whole: a message larger than the broker's maximum packet size goes to the
 * dead-letter queue instead of being published (a broker drops the connection on a packet that large, and the
 * record would be sent again after every reconnect), and retain on a broker without retained messages.
 */
class SinkBrokerLimitsIT extends SinkItBase {
    private static final int MAX_PACKET = 2048;

    /**
     * MQTT 5: the broker announces its Maximum Packet Size in CONNACK. MQTT 3.1.1 announces nothing: the limit comes
     * from {@code mqtt.max.packet.bytes}.
     */
    @ParameterizedTest(name = "MQTT {0}")
    @CsvSource({"5, ''", "3.1.1, 2048"})
    void aMessageLargerThanTheBrokerAcceptsIsDeadLetteredWhileTheRestFlows(String version, String configuredMax) {
        MqttBroker broker = broker(BrokerConfig.builder().extraConfig("max_packet_size " + MAX_PACKET).build());
        assumeTrue(broker.kind().startsWith("mosquitto"), "needs Mosquitto's max_packet_size");
        String topic = "big-" + version.replace('.', '-');
        connect.createTopic(topic, 1);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "big/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(), "big/${key}");
            props.put("mqtt.version", version);
            if (!configuredMax.isEmpty()) {
                props.put("mqtt.max.packet.bytes", configuredMax);
            }
            runConnector(topic, props, 1);
            produceSequence(topic, 0, 50, 5);
            produce(topic, "k1", "{\"seq\":-1,\"pad\":\"" + "x".repeat(3 * MAX_PACKET) + "\"}");
            produceSequence(topic, 50, 50, 5);

            SequenceCheck check = awaitSequences(topic, subscriber, 100);
            assertTrue(check.isExact(), check.report());
            List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(topic, 1);
            assertEquals(1, dead.size());
            String reason = header(dead.get(0), "__connect.errors.exception.message");
            assertTrue(reason.contains("larger than") && reason.contains(Integer.toString(MAX_PACKET)), reason);
            awaitCommittedOffset(topic, topic, 101);
        }
    }

    /** MQTT 5: a broker without retained messages (CONNACK Retain Available 0) gets the messages, not retained. */
    @ParameterizedTest(name = "MQTT {0}")
    @CsvSource({"5"})
    void retainOnABrokerWithoutRetainedMessagesStillDeliversEveryMessage(String version) {
        MqttBroker broker = broker(BrokerConfig.builder().extraConfig("retain_available false").build());
        assumeTrue(broker.kind().startsWith("mosquitto"), "needs Mosquitto's retain_available");
        String topic = "no-retain";
        connect.createTopic(topic, 1);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "nr/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(), "nr/${key}");
            props.put("mqtt.version", version);
            props.put("mqtt.retain", "true");
            runConnector(topic, props, 1);
            produceSequence(topic, 0, 20, 2);

            SequenceCheck check = awaitSequences(topic, subscriber, 20);
            assertTrue(check.isExact(), check.report());
            assertFalse(subscriber.messages().stream().anyMatch(MqttSubscriber.Received::retained));
            awaitCommittedOffset(topic, topic, 20);
        }
    }
}
