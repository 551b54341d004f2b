package io.mqttbridge.sink.integration;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.net.FaultProxy;
import io.mqttbridge.testkit.net.FaultSchedule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Network faults between the sink task and the broker lose nothing: a {@link FaultProxy} in front of the broker
 * resets, cuts, stalls, blackholes, refuses and slows the task's connection (the {@link FaultSchedule#gauntlet})
 * while it publishes sequence-numbered records from Kafka. A subscriber on the broker itself (persistent session,
 * QoS 2) must see every number, and Connect must commit the last offset; duplicates are the at-least-once
 * republishing of publishes whose outcome a lost connection left unknown, and are printed. A small publish window
 * keeps the stream running long enough that every fault hits it mid-way; the test fails otherwise.
 */
class SinkNetworkFaultsIT extends SinkItBase {

    private static final int COUNT = 2000;

    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({"5, 1", "3.1.1, 2"})
    void everyFaultMidStreamLosesNothing(String version, int qos) {
        String topic = "net-faults-" + version.replace('.', '_') + "-q" + qos;
        MqttBroker broker = broker(BrokerConfig.plain());
        connect.createTopic(topic, 1);
        produceSequence(topic, 0, COUNT, 8);
        try (FaultProxy proxy = FaultProxy.to(broker.tcpUri());
             MqttSubscriber subscriber = subscribe(broker.tcpUri(), "nf/#")) {
            Map<String, String> props = sinkProps(topic, proxy.tcpUri(), "nf/${key}");
            props.put("mqtt.version", version);
            props.put("mqtt.qos", Integer.toString(qos));
            props.put("mqtt.max.inflight", "10");
            // A dead link is noticed within seconds, as the stall and blackhole faults need.
            props.put("mqtt.keepalive.interval.ms", "1000");
            props.put("mqtt.connect.timeout.ms", "2000");
            props.put("mqtt.reconnect.backoff.ms", "100");
            props.put("mqtt.reconnect.backoff.max.ms", "500");
            FaultSchedule faults = FaultSchedule.gauntlet(proxy, COUNT).start(() -> subscriber.messages().size());
            runConnector(topic, props, 1);

            SequenceCheck check = awaitSequences(topic, subscriber, COUNT);
            awaitCommittedOffset(topic, topic, COUNT);
            faults.awaitDone(Duration.ofMinutes(1));
            System.out.println("[" + topic + "] " + faults.report() + "\n[" + topic + "] " + check.report()
                + "; the proxy accepted " + proxy.acceptedConnections() + " connections");
            assertTrue(check.isComplete(), check.report());
            assertTrue(faults.allFiredBefore(COUNT), "every fault mid-stream: " + faults.report());
            assertTrue(connect.consumeUntilQuiet(topic + ".dlq", Duration.ofMillis(500), Duration.ofSeconds(5))
                .isEmpty(), "a network fault sends nothing to the dead-letter queue");
        }
    }
}
