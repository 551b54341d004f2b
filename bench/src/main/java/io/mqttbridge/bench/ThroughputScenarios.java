package io.mqttbridge.bench;

import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Message rates: the raw MQTT ceiling (a Paho publisher and a Paho subscriber on the same broker), the Kafka
 * ceiling (a plain producer with the worker's settings), the source connector (the same publisher, counted by a
 * Kafka consumer), the sink connector (records preloaded in Kafka, counted by an MQTT subscriber) and the source's
 * scale-out from one task to two on a shared subscription.
 */
final class ThroughputScenarios {

    private final BenchContext ctx;
    private final BenchOptions options;
    private final BenchEnvironment env;

    ThroughputScenarios(BenchContext ctx) {
        this.ctx = ctx;
        this.options = ctx.options();
        this.env = ctx.env();
    }

    /** Publisher to subscriber through the broker alone: the ceiling of every MQTT figure. */
    Result raw(int mqttVersion, int qos) {
        String id = "raw-v" + mqttVersion + "-q" + qos;
        String load = LoadAverage.now();
        int n = options.messages();
        Arrivals arrivals = Arrivals.expecting(n);
        CountingSubscriber sub = CountingSubscriber.start(env.mqttUri(), mqttVersion, "bench/" + id, qos, arrivals);
        try (sub; SequencePublisher pub = ctx.publisher(mqttVersion)) {
            arrivals.arm();
            long start = System.nanoTime();
            pub.publish(0, n, qos, "bench/" + id);
            boolean complete = arrivals.awaitComplete(ctx.timeout(), BenchContext.STALL);
            return Result.of("raw", BenchContext.variant(mqttVersion, qos), arrivals.rateSince(start), "msg/s",
                complete, BenchContext.details(load, arrivals));
        }
    }

    /** The worker's producer settings, no MQTT and no Connect: the Kafka ceiling. */
    Result kafka() {
        String load = LoadAverage.now();
        int n = options.messages();
        String topic = "bench.kafka";
        env.createTopic(topic, 1);
        long elapsed = produce(topic, n);
        Map<String, Object> details = BenchContext.details(load, null);
        details.put("messages", n);
        details.put("producer", BenchEnvironment.WORKER_PRODUCER_SETTINGS.toString());
        return Result.of("kafka", "KafkaProducer, worker settings", n * 1e9 / elapsed, "msg/s", true, details);
    }

    /** Produces {@code n} benchmark payloads with the worker's producer settings; returns the nanoseconds taken. */
    long produce(String topic, int n) {
        try (KafkaProducer<byte[], byte[]> producer = env.workerLikeProducer()) {
            // One warm-up record: the first send waits for metadata, which is not throughput.
            producer.send(new ProducerRecord<>(topic, "warm-up".getBytes())).get();
            long start = System.nanoTime();
            for (int seq = 0; seq < n; seq++) {
                producer.send(new ProducerRecord<>(topic, null,
                    SequencePayload.of(seq, System.nanoTime(), options.payloadBytes())));
            }
            producer.flush();
            return System.nanoTime() - start;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while producing to " + topic, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Cannot produce to " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    /** The publisher of {@link #raw} into the source connector, counted in Kafka. */
    Result source(int mqttVersion, int qos) {
        String id = "source-v" + mqttVersion + "-q" + qos;
        return sourceRun("source", id, BenchContext.variant(mqttVersion, qos),
            ctx.sourceConfig(id, mqttVersion, qos, 1), 1, mqttVersion, qos);
    }

    /**
     * The source connector on an MQTT 5 shared subscription with {@code tasks} tasks (the group is set explicitly,
     * so one task subscribes {@code $share/...} as well and the two runs differ only in the task count).
     */
    Result scaleOut(int tasks) {
        String id = "scaleout-t" + tasks;
        Map<String, String> config = ctx.sourceConfig(id, 5, 1, tasks);
        config.put("mqtt.shared.subscription.group", id);
        return sourceRun("scaleout", id, "tasks.max=" + tasks + ", MQTT 5 QoS 1 shared", config, tasks, 5, 1);
    }

    private Result sourceRun(String scenario, String id, String variant, Map<String, String> config, int tasks,
                             int mqttVersion, int qos) {
        String load = LoadAverage.now();
        int n = options.messages();
        ctx.startSource(id, config, tasks, mqttVersion);
        Arrivals arrivals = Arrivals.expecting(n);
        try (KafkaCounter counter = KafkaCounter.start(env.bootstrapServers(), "bench." + id + ".data", arrivals);
             SequencePublisher pub = ctx.publisher(mqttVersion)) {
            arrivals.arm();
            long start = System.nanoTime();
            pub.publish(0, n, qos, "bench/" + id + "/data");
            long published = System.nanoTime();
            boolean complete = arrivals.awaitComplete(ctx.timeout(), BenchContext.STALL);
            counter.checkHealthy();
            env.checkConnector(id);
            Map<String, Object> details = BenchContext.details(load, arrivals);
            details.put("publishedMsgPerSec", Math.round(n * 1e9 / (published - start)));
            return Result.of(scenario, variant, arrivals.rateSince(start), "msg/s", complete, details);
        } finally {
            env.deleteConnector(id);
        }
    }

    /** {@code messages} records preloaded in Kafka, through the sink connector, counted by an MQTT subscriber. */
    Result sink(int mqttVersion, int qos) {
        String id = "sink-v" + mqttVersion + "-q" + qos;
        String topic = "bench." + id;
        String load = LoadAverage.now();
        int n = options.messages();
        env.createTopic(topic, 1);
        produce(topic, n);
        Arrivals arrivals = Arrivals.expecting(n);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.mqttbridge.sink.MqttSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("mqtt.server.uris", env.mqttUri());
        config.put("mqtt.version", BenchContext.versionConfig(mqttVersion));
        config.put("mqtt.topic", "bench/" + id);
        config.put("mqtt.qos", Integer.toString(qos));
        config.put("payload.format", "bytes");
        CountingSubscriber sub = CountingSubscriber.start(env.mqttUri(), mqttVersion, "bench/" + id, qos, arrivals);
        try (sub) {
            arrivals.arm();
            env.runConnector(id, config, 1);
            boolean complete = arrivals.awaitComplete(ctx.timeout(), BenchContext.STALL);
            env.checkConnector(id);
            Map<String, Object> details = BenchContext.details(load, arrivals);
            // The warm-up record is not a benchmark payload: counted as foreign, as it should be.
            details.put("note", "rate from first to last arrival (connector start-up excluded)");
            return Result.of("sink", BenchContext.variant(mqttVersion, qos), arrivals.rateFirstToLast(), "msg/s",
                complete, details);
        } finally {
            env.deleteConnector(id);
        }
    }
}
