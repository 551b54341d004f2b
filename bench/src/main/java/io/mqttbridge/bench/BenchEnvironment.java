package io.mqttbridge.bench;

import io.mqttbridge.testkit.connect.WorkerProcess;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MosquittoBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What every scenario runs against: one Mosquitto process with a stated configuration, one Kafka broker (KRaft, in
 * the bench JVM) and one Connect worker in its own JVM with the plugin zip unpacked on its {@code plugin.path}.
 */
public final class BenchEnvironment implements AutoCloseable {

    /**
     * The broker configuration: queues and in-flight windows unlimited, so the broker never drops or throttles what
     * a slow client has not taken yet (FINDINGS: Mosquitto's defaults, 1000 queued and 20 in flight, would measure
     * the broker); no persistence, so the disk is not measured either; TCP_NODELAY on client sockets, or Nagle's
     * algorithm adds tens of milliseconds to single messages at a low rate.
     */
    public static final BrokerConfig BROKER = BrokerConfig.builder()
        .maxInflightMessages(0)
        .maxQueuedMessages(0)
        .persistence(false)
        .extraConfig("set_tcp_nodelay true")
        .build();

    /**
     * The producer settings a Connect 4.3 worker gives its source tasks ({@code Worker.baseProducerConfigs}), read
     * from its byte code: the Kafka-only ceiling uses them so it measures what the worker can get out of Kafka.
     */
    public static final Map<String, Object> WORKER_PRODUCER_SETTINGS = Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE),
        ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));

    private final Path dir;
    private final MosquittoBroker broker;
    private final EmbeddedKafkaCluster kafka;
    private final WorkerProcess worker;
    private final List<String> workerJvmOptions;

    private BenchEnvironment(Path dir, MosquittoBroker broker, EmbeddedKafkaCluster kafka, WorkerProcess worker,
                             List<String> workerJvmOptions) {
        this.dir = dir;
        this.broker = broker;
        this.kafka = kafka;
        this.worker = worker;
        this.workerJvmOptions = workerJvmOptions;
    }

    /** Starts Mosquitto, Kafka and the worker under {@code dir}; everything started so far stops on failure. */
    public static BenchEnvironment start(BenchOptions options, Path dir) {
        MosquittoBroker broker = null;
        EmbeddedKafkaCluster kafka = null;
        try {
            Files.createDirectories(dir);
            broker = MqttBrokers.startMosquitto(BROKER);
            kafka = new EmbeddedKafkaCluster(1, new Properties());
            kafka.start();
            Path pluginPath = dir.resolve("plugins");
            WorkerProcess.unpackPlugin(options.pluginZip(), pluginPath);
            String classpath = Files.readString(options.workerClasspathFile()).trim();
            List<String> jvm = new ArrayList<>(List.of("-Xmx" + options.workerHeap()));
            if (options.workerJfr()) {
                jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve("worker.jfr") + ",settings=profile");
            }
            WorkerProcess worker = WorkerProcess.start(dir.resolve("worker"), classpath, pluginPath,
                kafka.bootstrapServers(), Map.of(), jvm);
            return new BenchEnvironment(dir, broker, kafka, worker, List.copyOf(jvm));
        } catch (IOException e) {
            stopQuietly(broker, kafka);
            throw new UncheckedIOException("Cannot prepare the benchmark in " + dir, e);
        } catch (RuntimeException e) {
            stopQuietly(broker, kafka);
            throw e;
        }
    }

    /** The broker's plain listener. */
    public String mqttUri() {
        return broker.tcpUri();
    }

    /** The broker, e.g. for its log. */
    public MosquittoBroker broker() {
        return broker;
    }

    /** Kafka's bootstrap servers. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The Connect worker. */
    public WorkerProcess worker() {
        return worker;
    }

    /** Where the bench keeps its files (worker log, JFR recording). */
    public Path directory() {
        return dir;
    }

    /** Creates a topic with one replica. */
    public void createTopic(String topic, int partitions) {
        kafka.createTopic(topic, partitions);
    }

    /** A producer with the worker's producer settings. */
    public KafkaProducer<byte[], byte[]> workerLikeProducer() {
        Map<String, Object> props = new LinkedHashMap<>(WORKER_PRODUCER_SETTINGS);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Creates the connector and waits until it and {@code tasks} tasks are RUNNING.
     *
     * @throws IllegalStateException naming the worker log when it does not come up
     */
    public void runConnector(String name, Map<String, String> config, int tasks) {
        worker.rest().putConnector(name, config);
        try {
            worker.rest().awaitRunning(name, tasks, Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new IllegalStateException(e.getMessage() + "; worker log " + worker.log(), e);
        }
    }

    /** Deletes the connector and waits until it is gone, so the next run has the worker to itself. */
    public void deleteConnector(String name) {
        worker.rest().deleteConnector(name);
    }

    /** Fails with the task's trace when the connector or a task FAILED. */
    public void checkConnector(String name) {
        Map<String, Object> status = worker.rest().status(name);
        if (status.toString().contains("state=FAILED")) {
            throw new IllegalStateException("Connector " + name + " failed: " + status);
        }
    }

    /** What describes this environment in the report. */
    public Map<String, Object> describe(BenchOptions options) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("broker", broker.kind());
        d.put("brokerConfig", "max_inflight_messages 0 (unlimited), max_queued_messages 0 (unlimited), "
            + "persistence false, set_tcp_nodelay true");
        d.put("kafka", "1 broker, KRaft, in the bench JVM");
        d.put("worker", "ConnectDistributed in its own JVM " + workerJvmOptions + ", plugin from "
            + options.pluginZip().getFileName());
        d.put("workerProducer", WORKER_PRODUCER_SETTINGS.toString());
        d.put("cpus", Runtime.getRuntime().availableProcessors());
        d.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return d;
    }

    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            stopQuietly(broker, kafka);
        }
    }

    private static void stopQuietly(MosquittoBroker broker, EmbeddedKafkaCluster kafka) {
        if (broker != null) {
            broker.close();
        }
        if (kafka != null) {
            try {
                kafka.stop();
            } catch (RuntimeException e) {
                // best effort on the way out
            }
        }
    }
}
