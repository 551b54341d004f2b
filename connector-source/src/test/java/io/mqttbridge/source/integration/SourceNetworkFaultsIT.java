package io.mqttbridge.source.integration;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.mqtt.SequencePublisher;
import io.mqttbridge.testkit.net.FaultProxy;
import io.mqttbridge.testkit.net.FaultSchedule;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Network faults between the source task and the broker lose nothing: a {@link FaultProxy} in front of the broker
 * resets, cuts, stalls, blackholes, refuses and slows the task's connection (the {@link FaultSchedule#gauntlet}) while
 * sequence-numbered messages stream through it; the publisher talks to the broker directly and stays at most
 * {@value #AHEAD} messages ahead of Kafka, so the stream is still running when each fault comes. Every number must
 * reach Kafka; duplicates are at-least-once redeliveries and are printed with where they began. The test fails if
 * a fault came after the stream was through, since it then tested nothing.
 */
class SourceNetworkFaultsIT extends SourceItBase {

    private static final int COUNT = 2000;
    private static final int AHEAD = 200;
    private static final int BATCH = 50;

    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({"5, 1", "3.1.1, 2"})
    void everyFaultMidStreamLosesNothing(String version, int qos, @TempDir Path dir) throws Exception {
        String name = "net-faults-" + version.replace('.', '_') + "-q" + qos;
        MqttBroker broker = broker(BrokerConfig.builder().maxInflightMessages(10).build());
        connect.createTopic(name, 1);
        try (FaultProxy proxy = FaultProxy.to(broker.tcpUri());
             Admin admin = connect.embedded().kafka().createAdminClient()) {
            runConnector(name, SourceConnectorProps.of(proxy.tcpUri(), "net/+/seq", name).version(version).qos(qos)
                .put("mqtt.max.inflight", "20")
                // A dead link is noticed within seconds, as the stall and blackhole faults need.
                .put("mqtt.keepalive.interval.ms", "1000")
                .put("mqtt.connect.timeout.ms", "2000")
                .put("mqtt.reconnect.backoff.max.ms", "500")
                .clientId(name).persistenceDir(dir).build(), 1);

            TopicPartition partition = new TopicPartition(name, 0);
            LongSupplier inKafka = () -> endOffset(admin, partition);
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(
                () -> publishAhead(broker.tcpUri(), "net/" + name + "/seq", qos, inKafka));
            FaultSchedule faults = FaultSchedule.gauntlet(proxy, COUNT).start(inKafka);

            SequenceCheck check = awaitAllSequences(name, name, COUNT);
            publishing.get(1, TimeUnit.MINUTES);
            faults.awaitDone(Duration.ofMinutes(1));
            System.out.println("[" + name + "] " + faults.report() + "\n[" + name + "] " + check.report()
                + "; the proxy accepted " + proxy.acceptedConnections() + " connections" + redeliveries(name));
            assertTrue(check.missing().isEmpty(), check.report());
            assertTrue(faults.allFiredBefore(COUNT), "every fault mid-stream: " + faults.report());
        }
    }

    /** Publishes 0..COUNT-1 in batches, each once Kafka holds all but {@value #AHEAD} of what came before. */
    private static void publishAhead(String serverUri, String topic, int qos, LongSupplier inKafka) {
        try (SequencePublisher publisher = publisher(serverUri, "pub-" + topic.replace('/', '-'), 10)) {
            for (int from = 0; from < COUNT; from += BATCH) {
                int published = from;
                Awaitility.await("Kafka within " + AHEAD + " of " + published).atMost(DELIVERY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20)).until(() -> inKafka.getAsLong() >= published - AHEAD);
                publisher.publish(from, Math.min(BATCH, COUNT - from), qos, topic);
            }
        }
    }

    /** Where the topic went back to numbers it already held (a redelivery run), and how many it repeated. */
    private String redeliveries(String topic) {
        StringBuilder out = new StringBuilder();
        int highest = -1;
        int runLength = 0;
        for (ConsumerRecord<byte[], byte[]> record : connect.consumeUntilQuiet(topic, QUIET, DELIVERY_TIMEOUT)) {
            int seq = seqOf(record.value());
            if (seq <= highest) {
                if (runLength++ == 0) {
                    out.append("\n  redelivery at offset ").append(record.offset()).append(" from seq ").append(seq);
                }
            } else if (runLength > 0) {
                out.append(": ").append(runLength).append(" again");
                runLength = 0;
            }
            highest = Math.max(highest, seq);
        }
        return runLength > 0 ? out.append(": ").append(runLength).append(" again").toString() : out.toString();
    }

    private static long endOffset(Admin admin, TopicPartition partition) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(10, TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the end offset of " + partition, e);
        }
    }
}
