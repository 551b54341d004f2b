package io.mqttbridge.distribution;

import io.mqttbridge.testkit.connect.KafkaTopicReader;
import io.mqttbridge.testkit.connect.WorkerProcess;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes under a running source and sink, against the plugin zip in a real worker JVM: the worker killed with
 * SIGKILL (no task stopped, no offset flushed) and started again, and the Kafka broker stopped and restarted under
 * the worker. Both connectors stream sequence numbers when the crash comes (the test checks that part, not all, has
 * arrived); afterwards every number must arrive, Kafka for the source and a subscriber on the broker for the sink.
 * Duplicates are allowed (at least once) and printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerCrashIT {
    private static final int COUNT = 1200;
    /** How far the producers of both streams may run ahead of what arrived, so the streams last until the crash. */
    private static final int AHEAD = 200;
    private static final int BATCH = 50;
    /** A PASSWORD value both connectors carry; it must never reach the worker's log. */
    private static final String SECRET = "s3cret-" + Long.toHexString(System.nanoTime());
    private static final Duration DELIVERY = Duration.ofSeconds(120);

    private Path dir;
    private EmbeddedKafkaCluster kafka;
    private WorkerProcess worker;
    private KafkaTopicReader reader;
    private Admin admin;
    private final List<MqttBroker> brokers = new ArrayList<>();
    private final List<String> connectors = new ArrayList<>();

    @BeforeAll
    void startKafkaAndWorker() throws Exception {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "worker-crash-it-");
        Path pluginPath = dir.resolve("plugins");
        WorkerProcess.unpackPlugin(Path.of(System.getProperty("plugin.zip")), pluginPath);
        String classpath = Files.readString(Path.of(System.getProperty("worker.classpath.file"))).trim();
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        worker = WorkerProcess.start(dir.resolve("worker"), classpath, pluginPath, kafka.bootstrapServers(),
            Map.of(), List.of());
        reader = new KafkaTopicReader(kafka::bootstrapServers);
        admin = kafka.createAdminClient();
    }

    @AfterEach
    void cleanUp() {
        for (String name : connectors) {
            try {
                worker.rest().deleteConnector(name);
            } catch (RuntimeException | AssertionError e) {
                // the worker may be down after a failed test: nothing left to clean
            }
        }
        connectors.clear();
        brokers.forEach(MqttBroker::close);
        brokers.clear();
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void workerKilledMidStreamLosesNothing(int qos) throws Exception {
        midStream("kill9-q" + qos, qos, () -> {
            worker.kill();
            worker.start();
        });
    }

    @Test
    void kafkaBrokerRestartedMidStreamLosesNothing() throws Exception {
        midStream("kafka-restart", 1, () -> {
            kafka.stopOnlyBrokers();
            kafka.restartOnlyBrokers();
        });
    }

    /** Runs a source and a sink at {@code qos}, applies {@code crash} once both are part-way, checks both. */
    private void midStream(String name, int qos, Runnable crash) throws Exception {
        MqttBroker broker = MqttBrokers.start(BrokerConfig.builder().maxInflightMessages(10).build());
        brokers.add(broker);
        String source = name + "-source";
        String sinkTopic = name + "-commands";
        kafka.createTopic(source, 1);
        kafka.createTopic(sinkTopic, 1);
        TopicPartition partition = new TopicPartition(source, 0);
        try (MqttSubscriber subscriber = MqttSubscriber.builder(broker.tcpUri(), "cmd/#").connect()) {
            create(source, sourceConfig(broker.tcpUri(), source, qos));
            create(name + "-sink", sinkConfig(broker.tcpUri(), sinkTopic, qos));
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                try (SequencePublisher publisher = SequencePublisher.builder(broker.tcpUri())
                    .clientId("pub-" + name).maxInflight(10).ackTimeout(DELIVERY).connect()) {
                    for (int from = 0; from < COUNT; from += BATCH) {
                        awaitAhead("source", from, () -> endOffset(partition));
                        publisher.publish(from, BATCH, qos, "plant/" + name + "/seq");
                    }
                }
            });
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
                try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(Map.of())) {
                    for (int from = 0; from < COUNT; from += BATCH) {
                        awaitAhead("sink", from, () -> (long) subscriber.messages().size());
                        for (int seq = from; seq < from + BATCH; seq++) {
                            producer.send(new ProducerRecord<>(sinkTopic, bytes("d" + seq % 8),
                                bytes("{\"seq\":" + seq + "}")));
                        }
                        producer.flush();
                    }
                }
            });

            Awaitility.await("both streams part-way").atMost(DELIVERY).pollInterval(Duration.ofMillis(20))
                .until(() -> endOffset(partition) >= COUNT / 8 && subscriber.messages().size() >= COUNT / 8);
            long inKafka = endOffset(partition);
            int atSubscriber = subscriber.messages().size();
            System.out.println("[" + name + "] crashing with " + inKafka + " of " + COUNT + " source records in Kafka and "
                + atSubscriber + " of " + COUNT + " sink messages at the subscriber");
            crash.run();
            assertTrue(inKafka < COUNT && atSubscriber < COUNT, "the crash came mid-stream");
            publishing.get(2, TimeUnit.MINUTES);
            producing.get(2, TimeUnit.MINUTES);

            SequenceCheck sinkCheck = subscriber.awaitSequences(name + "-sink", 0, COUNT, DELIVERY, Duration.ofSeconds(2));
            SequenceCheck sourceCheck = awaitInKafka(source);
            System.out.println("[" + name + "] source: " + sourceCheck.report() + "\n[" + name + "] sink: "
                + sinkCheck.report());
            assertTrue(sourceCheck.isComplete(), sourceCheck.report());
            assertTrue(sinkCheck.isComplete(), sinkCheck.report());
            String log = Files.readString(worker.log());
            assertTrue(log.contains(name + "-source") && !log.contains(SECRET),
                "the worker log mentions the connectors but never the mqtt.password value");
        }
    }

    private void create(String name, Map<String, String> config) {
        connectors.add(name);
        worker.rest().putConnector(name, config);
        worker.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
    }

    private Map<String, String> sourceConfig(String serverUri, String kafkaTopic, int qos) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.mqttbridge.source.MqttSourceConnector");
        c.put("tasks.max", "1");
        c.put("mqtt.server.uris", serverUri);
        c.put("mqtt.topics", "plant/+/seq");
        c.put("mqtt.qos", Integer.toString(qos));
        c.put("kafka.topic", kafkaTopic);
        c.put("mqtt.client.id", kafkaTopic);
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("mqtt.max.inflight", "20");
        c.put("mqtt.persistence.dir", dir.resolve("qos2-" + kafkaTopic).toString());
        // The test broker admits anyone, so the password only has to stay out of the log.
        c.put("mqtt.username", "bridge");
        c.put("mqtt.password", SECRET);
        c.put("mqtt.reconnect.backoff.ms", "100");
        c.put("mqtt.reconnect.backoff.max.ms", "1000");
        return c;
    }

    private static Map<String, String> sinkConfig(String serverUri, String kafkaTopic, int qos) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.mqttbridge.sink.MqttSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", kafkaTopic);
        c.put("mqtt.server.uris", serverUri);
        c.put("mqtt.topic", "cmd/${key}");
        c.put("mqtt.qos", Integer.toString(qos));
        c.put("mqtt.max.inflight", "10");
        c.put("payload.format", "bytes");
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        // The test broker admits anyone, so the password only has to stay out of the log.
        c.put("mqtt.username", "bridge");
        c.put("mqtt.password", SECRET);
        c.put("mqtt.reconnect.backoff.ms", "100");
        c.put("mqtt.reconnect.backoff.max.ms", "1000");
        return c;
    }

    /** Waits until {@code arrived} is at most {@value #AHEAD} behind {@code sent}. */
    private static void awaitAhead(String stream, int sent, Callable<Long> arrived) {
        Awaitility.await(stream + " within " + AHEAD + " of " + sent).atMost(DELIVERY)
            .pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> arrived.call() >= sent - AHEAD);
    }

    /** Reads the topic until every number is there and it stayed quiet for two seconds. */
    private SequenceCheck awaitInKafka(String topic) {
        SequenceCheck[] last = {SequenceCheck.expecting(0, COUNT)};
        Awaitility.await(topic + " complete in Kafka").atMost(DELIVERY).pollInterval(Duration.ofMillis(500))
            .until(() -> {
                SequenceCheck check = SequenceCheck.expecting(0, COUNT);
                for (ConsumerRecord<byte[], byte[]> r : reader.consumeUntilQuiet(topic, Duration.ofSeconds(2),
                    DELIVERY)) {
                    check.recordPayload(r.value());
                }
                last[0] = check;
                return check.isComplete();
            });
        return last[0];
    }

    private long endOffset(TopicPartition partition) throws Exception {
        // Admin calls fail while the Kafka broker restarts: callers poll again.
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
            .get(10, TimeUnit.SECONDS).offset();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
