package io.mqttbridge.source.integration;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Zero loss while things break mid-stream: the broker is killed with SIGKILL and restarted, the connector and its
 * tasks are restarted through REST, the worker is replaced. Each scenario streams a few thousand messages through
 * a broker that keeps only 10 in flight per client and a task that keeps 20 unacknowledged, so the stream is
 * still running when the disruption comes; the test checks that (Kafka holds some, not all) and starts the
 * scenario over, longer, if the stream was already through. Then every sequence number must arrive in Kafka;
 * duplicates are allowed (at-least-once) and printed.
 */
class SourceResilienceIT extends SourceItBase {

    private static final int INITIAL_COUNT = 3000;
    private static final int ATTEMPTS = 3;

    @FunctionalInterface
    private interface Disruption {
        void apply(MqttBroker broker, String connectorName);
    }

    /**
     * The publisher finishes its first half before the SIGKILL and sends the second half after the restart:
     * Mosquitto acknowledges a PUBLISH before its next autosave, so a message acknowledged in the instant before
     * a SIGKILL can be lost by the broker itself (seen here: 1-2 of 3000 when publishing across the kill). What
     * is tested is the connector: mid-delivery when the broker dies, nothing the broker still holds goes missing.
     */
    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void brokerKilledAndRestarted(int qos, @TempDir Path dir) throws Exception {
        midStream("kill-q" + qos, qos, dir, true, (broker, name) -> {
            broker.kill();
            broker.start();
        });
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void connectorAndTasksRestartedThroughRest(int qos, @TempDir Path dir) throws Exception {
        midStream("restart-q" + qos, qos, dir, false, (broker, name) -> {
            connect.restartConnector(name);
            awaitRunning(name, 1);
        });
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void workerRestarted(int qos, @TempDir Path dir) throws Exception {
        midStream("worker-q" + qos, qos, dir, false, (broker, name) -> {
            connect.restartWorker();
            awaitRunning(name, 1);
        });
    }

    /**
     * @param quietBrokerWhenDisrupted publish the first half and wait for its acknowledgements before the
     *     disruption, the second half after it; otherwise publish all concurrently with the disruption
     */
    private void midStream(String scenario, int qos, Path dir, boolean quietBrokerWhenDisrupted,
                           Disruption disruption) throws Exception {
        int count = INITIAL_COUNT;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++, count *= 2) {
            String name = scenario + "-" + attempt;
            MqttBroker broker = broker(BrokerConfig.builder().maxInflightMessages(10).maxQueuedMessages(0).build());
            connect.createTopic(name, 1);
            runConnector(name, SourceConnectorProps.of(broker.tcpUri(), "line/+/counter", name).qos(qos)
                .put("mqtt.max.inflight", "20")
                .clientId(name)
                .persistenceDir(dir.resolve(name)).build(), 1);

            String mqttTopic = "line/" + name + "/counter";
            int total = count;
            int firstPart = quietBrokerWhenDisrupted ? count / 2 : count;
            // The broker takes 10 unacknowledged messages per client, so the publisher keeps no more in flight.
            SequencePublisher publisher = publisher(broker.tcpUri(), "publisher-" + name, 10);
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(
                () -> publisher.publish(0, firstPart, qos, mqttTopic));
            try {
                if (quietBrokerWhenDisrupted) {
                    publishing.get(3, TimeUnit.MINUTES);
                }

                int inKafka = connect.consume(name, Math.max(1, count / 20), DELIVERY_TIMEOUT).size();
                if (inKafka >= firstPart) {
                    System.out.println("[" + name + "] stream already complete (" + inKafka + " records) before the "
                        + "disruption; starting over with " + count * 2 + " messages");
                    publishing.get(3, TimeUnit.MINUTES);
                    publisher.publish(firstPart, total - firstPart, qos, mqttTopic);
                    continue;
                }
                System.out.println("[" + name + "] disrupting with " + inKafka + " of " + count + " records in Kafka, "
                    + publisher.acknowledged() + " acknowledged to the publisher");
                disruption.apply(broker, name);
                publishing.get(3, TimeUnit.MINUTES);
            } finally {
                publishing.cancel(false);
                publisher.close();
            }
            if (firstPart < total) {
                // A clean-session publisher does not survive a killed broker: the second half gets a new one.
                publish(broker.tcpUri(), mqttTopic, qos, firstPart, total - firstPart);
            }
            System.out.println("[" + name + "] publisher done");
            SequenceCheck check = awaitAllSequences(name, name, count);
            assertTrue(check.missing().isEmpty(), check.report());
            return;
        }
        fail(scenario + ": the stream was always complete before the disruption, " + ATTEMPTS
            + " attempts; the scenario did not test what it should");
    }
}
