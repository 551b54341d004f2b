package io.mqttbridge.sink.integration;

import io.mqttbridge.sink.MqttSinkConnector;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults mid-stream lose nothing: a broker killed with SIGKILL and restarted, a Connect worker restarted. Records
 * carry sequence numbers; the subscriber (a persistent session, so it keeps what the broker queued for it) must see
 * every one. Duplicates are allowed and printed: the sink delivers at least once.
 */
class SinkResilienceIT extends SinkItBase {
    private static final int COUNT = 5_000;

    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({"5, 1", "3.1.1, 2"})
    void aBrokerKilledMidStreamLosesNothing(String version, int qos) {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "kill-" + version.replace('.', '_') + "-" + qos;
        connect.createTopic(topic, 1);
        produceSequence(topic, 0, COUNT, 8);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "k/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(), "k/${key}");
            props.put("mqtt.version", version);
            props.put("mqtt.qos", Integer.toString(qos));
            props.put("mqtt.reconnect.backoff.ms", "100");
            props.put("mqtt.reconnect.backoff.max.ms", "1000");
            runConnector(topic, props, 1);

            Awaitility.await("a fifth of the stream delivered").atMost(DELIVERY_TIMEOUT)
                .until(() -> subscriber.messages().size() >= COUNT / 5);
            broker.kill();
            broker.start();

            SequenceCheck check = awaitSequences(topic, subscriber, COUNT);
            assertTrue(check.isComplete(), check.report());
            awaitCommittedOffset(topic, topic, COUNT);
        }
    }

    @Test
    void aWorkerRestartMidStreamLosesNothing() {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "worker-restart";
        connect.createTopic(topic, 1);
        produceSequence(topic, 0, COUNT, 8);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "w/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(), "w/${key}");
            props.put("mqtt.qos", "1");
            runConnector(topic, props, 1);

            Awaitility.await("a fifth of the stream delivered").atMost(DELIVERY_TIMEOUT)
                .until(() -> subscriber.messages().size() >= COUNT / 5);
            connect.restartWorker();

            SequenceCheck check = awaitSequences(topic, subscriber, COUNT);
            assertTrue(check.isComplete(), check.report());
            awaitCommittedOffset(topic, topic, COUNT);
        }
    }

    @Test
    void anOutageLongerThanTheRetryTimeoutFailsTheTaskWithoutCommittingPastIt() {
        MqttBroker broker = broker(BrokerConfig.plain());
        String topic = "retry-timeout";
        connect.createTopic(topic, 1);
        try (MqttSubscriber subscriber = subscribe(broker.tcpUri(), "r/#")) {
            Map<String, String> props = sinkProps(topic, broker.tcpUri(), "r/${key}");
            props.put("mqtt.retry.timeout.ms", "3000");
            props.put("mqtt.reconnect.backoff.max.ms", "500");
            runConnector(topic, props, 1);
            produceSequence(topic, 0, 10, 1);
            awaitSequences(topic, subscriber, 10);
            awaitCommittedOffset(topic, topic, 10);
        }
        broker.stop();
        produceSequence(topic, 10, 5, 1);
        String trace = connect.awaitTaskFailed(topic, 0, Duration.ofSeconds(60));
        assertTrue(trace.contains("could not publish for more than 3000 ms (mqtt.retry.timeout.ms)"), trace);
        assertEquals(10, committedOffset(topic, topic), "nothing past the unconfirmed records is committed");
    }

    @Test
    void validateNamesEveryBadKey() {
        Map<String, String> props = sinkProps("v", "tcp://127.0.0.1:1883", "d/${mqtt.topic}");
        props.put("tombstone.behavior", "explode");
        props.put("mqtt.qos", "3");
        props.put("payload.format", "avro");
        Map<String, List<String>> errors = validationErrors(MqttSinkConnector.class.getName(), props);
        assertTrue(errors.get("mqtt.topic").get(0).contains("${mqtt.topic} is not a known variable"), errors.toString());
        assertTrue(errors.containsKey("tombstone.behavior"), errors.toString());
        assertTrue(errors.containsKey("mqtt.qos"), errors.toString());
        assertTrue(errors.get("payload.avro.schema.file").get(0).contains("payload.format=avro needs a schema"),
            errors.toString());
    }
}
