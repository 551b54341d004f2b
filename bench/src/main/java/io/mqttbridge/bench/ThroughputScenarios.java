package io.mqttbridge.bench;

import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.LinkedHashMap;
import java.util.List;
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
        return raw(mqttVersion, qos, options.messages(), "");
    }

    private Result raw(int mqttVersion, int qos, int n, String suffix) {
        String id = "raw-v" + mqttVersion + "-q" + qos + suffix;
        String load = LoadAverage.now();
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

    /**
     * Runs raw, source and sink once (MQTT 5 QoS 1) with {@code bench.warmup.messages}, unreported: measured on a
     * cold worker, the source figures were set by the JIT compiler (C2 took more CPU than the task, producer and
     * MQTT threads together) rather than by the connector.
     *
     * @return what the warm-up measured, for the log
     */
    List<Result> warmUp(int messages) {
        return List.of(raw(5, 1, messages, "-warmup"), source(5, 1, messages, "-warmup"),
            sink(5, 1, messages, "-warmup"));
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
        details.put("note", "records shaped like the source's: key and MQTT headers");
        return Result.of("kafka", "KafkaProducer, worker settings", n * 1e9 / elapsed, "msg/s", true, details);
    }

    /** Produces {@code n} benchmark payloads with the worker's producer settings; returns the nanoseconds taken. */
    long produce(String topic, int n) {
        try (KafkaProducer<byte[], byte[]> producer = env.workerLikeProducer()) {
            // One warm-up record: the first send waits for metadata, which is not throughput.
            producer.send(new ProducerRecord<>(topic, utf8("warm-up"))).get();
            long start = System.nanoTime();
            for (int seq = 0; seq < n; seq++) {
                producer.send(sourceShaped(topic, seq));
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

    /**
     * A record shaped like the source connector's for a message on {@code bench/kafka/data}: the MQTT topic as key
     * and the same headers as the worker's {@code SimpleHeaderConverter} writes them, so Kafka moves the same bytes.
     */
    private ProducerRecord<byte[], byte[]> sourceShaped(String topic, int seq) {
        String mqttTopic = "bench/kafka/data";
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, utf8(mqttTopic),
            SequencePayload.of(seq, System.nanoTime(), options.payloadBytes()));
        r.headers().add("mqtt.topic", utf8(mqttTopic)).add("mqtt.qos", utf8("1"))
            .add("mqtt.retained", utf8("false")).add("mqtt.duplicate", utf8("false"))
            .add("mqtt.message.id", utf8(Integer.toString(1 + seq % 65_535)));
        return r;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The publisher of {@link #raw} into the source connector, counted in Kafka. */
    Result source(int mqttVersion, int qos) {
        return source(mqttVersion, qos, options.messages(), "");
    }

    private Result source(int mqttVersion, int qos, int n, String suffix) {
        String id = "source-v" + mqttVersion + "-q" + qos + suffix;
        return sourceRun("source", id, BenchContext.variant(mqttVersion, qos),
            ctx.sourceConfig(id, mqttVersion, qos, 1), 1, mqttVersion, qos, n);
    }

    /**
     * The source connector on an MQTT 5 shared subscription with {@code tasks} tasks (the group is set explicitly,
     * so one task subscribes {@code $share/...} as well and the two runs differ only in the task count).
     */
    Result scaleOut(int tasks) {
        String id = "scaleout-t" + tasks;
        Map<String, String> config = ctx.sourceConfig(id, 5, 1, tasks);
        config.put("mqtt.shared.subscription.group", id);
        return sourceRun("scaleout", id, "tasks.max=" + tasks + ", MQTT 5 QoS 1 shared", config, tasks, 5, 1,
            options.messages());
    }

    private Result sourceRun(String scenario, String id, String variant, Map<String, String> config, int tasks,
                             int mqttVersion, int qos, int n) {
        String load = LoadAverage.now();
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
        return sink(mqttVersion, qos, options.messages(), "");
    }

    private Result sink(int mqttVersion, int qos, int n, String suffix) {
        String id = "sink-v" + mqttVersion + "-q" + qos + suffix;
        String topic = "bench." + id;
        String load = LoadAverage.now();
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
