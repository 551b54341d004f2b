package io.mqttbridge.bench;

import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What the scenarios share: the environment, the options, the report, and the pieces every MQTT run is made of
 * (the publisher, the source connector's configuration, waiting until a source connector is subscribed).
 */
public final class BenchContext {

    /** How long nothing may arrive before a run counts as stalled (a QoS 0 loss, a stuck connector). */
    static final Duration STALL = Duration.ofSeconds(10);

    private final BenchEnvironment env;
    private final BenchOptions options;
    private final Report report;

    BenchContext(BenchEnvironment env, BenchOptions options, Report report) {
        this.env = env;
        this.options = options;
        this.report = report;
    }

    public BenchEnvironment env() {
        return env;
    }

    public BenchOptions options() {
        return options;
    }

    public Report report() {
        return report;
    }

    /** The longest a single run may take. */
    Duration timeout() {
        return Duration.ofSeconds(options.timeoutSeconds());
    }

    /** A connected publisher of benchmark payloads stamped when published, with the configured window. */
    SequencePublisher publisher(int mqttVersion) {
        int size = options.payloadBytes();
        return publisher(mqttVersion, seq -> SequencePayload.of(seq, System.nanoTime(), size));
    }

    /** A connected publisher with the configured window and the given payloads. */
    SequencePublisher publisher(int mqttVersion, IntFunction<byte[]> payload) {
        return SequencePublisher.builder(env.mqttUri())
            .clientId("bench-pub-" + Long.toHexString(System.nanoTime()))
            .mqttVersion(mqttVersion)
            .maxInflight(options.publisherInflight())
            .tcpNoDelay(true) // without it, Nagle's algorithm dominates the latency figures
            .payload(payload)
            .ackTimeout(timeout())
            .connect();
    }

    /** {@code 3.1.1} or {@code 5}, as {@code mqtt.version} spells it. */
    static String versionConfig(int mqttVersion) {
        return mqttVersion == 5 ? "5" : "3.1.1";
    }

    /** {@code MQTT 5 QoS 1}. */
    static String variant(int mqttVersion, int qos) {
        return "MQTT " + versionConfig(mqttVersion) + " QoS " + qos;
    }

    /**
     * The source connector's configuration for run {@code id}: it subscribes {@code bench/ID/#} and writes each MQTT
     * topic to the Kafka topic of the same name ({@code bench/ID/data} to {@code bench.ID.data}), payloads as bytes.
     */
    Map<String, String> sourceConfig(String id, int mqttVersion, int qos, int tasks) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.mqttbridge.source.MqttSourceConnector");
        config.put("tasks.max", Integer.toString(tasks));
        config.put("mqtt.server.uris", env.mqttUri());
        config.put("mqtt.version", versionConfig(mqttVersion));
        config.put("mqtt.topics", "bench/" + id + "/#");
        config.put("mqtt.qos", Integer.toString(qos));
        config.put("kafka.topic", "${mqtt.topic}");
        config.put("payload.format", "bytes");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter"); // the key is the topic
        config.put("mqtt.persistence.dir", env.directory().resolve("mqtt-persistence").toString());
        config.putAll(options.sourceOverrides());
        return config;
    }

    /**
     * Creates the source connector of run {@code id} and returns once its subscription is live: probes published to
     * {@code bench/ID/probe} until one reaches Kafka (a message published before SUBACK would be lost).
     * Creates {@code bench.ID.data} and {@code bench.ID.probe} first.
     */
    void startSource(String id, Map<String, String> config, int tasks, int mqttVersion) {
        env.createTopic("bench." + id + ".data", 1);
        env.createTopic("bench." + id + ".probe", 1);
        env.runConnector(id, config, tasks);
        Arrivals probes = Arrivals.expecting(Integer.MAX_VALUE / 2);
        try (KafkaCounter counter = KafkaCounter.start(env.bootstrapServers(), "bench." + id + ".probe", probes);
             SequencePublisher probe = publisher(mqttVersion)) {
            int[] next = {0};
            Awaitility.await("source connector " + id + " subscribed").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    env.checkConnector(id);
                    counter.checkHealthy();
                    if (probes.check().received() > 0) {
                        return true;
                    }
                    probe.publish(next[0]++, 1, 1, "bench/" + id + "/probe");
                    return false;
                });
        }
    }

    /** The details every result carries: the load average before the run and the message counts. */
    static Map<String, Object> details(String loadBefore, Arrivals arrivals) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("loadBefore", loadBefore);
        if (arrivals != null) {
            d.put("received", arrivals.check().received());
            d.put("distinct", arrivals.check().distinct());
            d.put("missing", arrivals.check().missing().size());
            d.put("duplicates", arrivals.check().duplicateCount());
            if (arrivals.foreign() > 0) {
                d.put("foreign", arrivals.foreign());
            }
        }
        return d;
    }
}
