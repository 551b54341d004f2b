package io.mqttbridge.bench;

import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency at a fixed publish rate, MQTT 5 QoS 1: from the intended publish time stamped in the payload to the
 * arrival at an MQTT subscriber (raw), at a Kafka consumer through the source connector, and at the same consumer
 * from a plain producer with the worker's settings (Kafka alone), as HdrHistogram percentiles.
 */
final class LatencyScenario {

    static final int MQTT_VERSION = 5;
    static final int QOS = 1;

    private final BenchContext ctx;

    LatencyScenario(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** Publisher to subscriber at {@code rate}: the latency floor of the broker and clients. */
    Result raw(int rate) {
        String id = "latency-raw-r" + rate;
        String load = LoadAverage.now();
        int n = count(rate);
        Arrivals arrivals = Arrivals.withLatency(n);
        PacedSchedule schedule = new PacedSchedule(rate);
        CountingSubscriber sub = CountingSubscriber.start(ctx.env().mqttUri(), MQTT_VERSION, "bench/" + id, QOS,
            arrivals);
        try (sub; SequencePublisher pub = pacedPublisher(schedule)) {
            return run("latency", "raw MQTT 5 QoS 1 @ " + rate + " msg/s", rate, n, schedule,
                (from, count) -> pub.publish(from, count, QOS, "bench/" + id), arrivals, load);
        }
    }

    /** Publisher to the source connector to a Kafka consumer at {@code rate}. */
    Result source(int rate) {
        String id = "latency-source-r" + rate;
        String load = LoadAverage.now();
        int n = count(rate);
        ctx.startSource(id, ctx.sourceConfig(id, MQTT_VERSION, QOS, 1), 1, MQTT_VERSION);
        Arrivals arrivals = Arrivals.withLatency(n);
        PacedSchedule schedule = new PacedSchedule(rate);
        try (KafkaCounter counter = KafkaCounter.start(ctx.env().bootstrapServers(), "bench." + id + ".data",
                 arrivals);
             SequencePublisher pub = pacedPublisher(schedule)) {
            Result r = run("latency", "source MQTT 5 QoS 1 @ " + rate + " msg/s", rate, n, schedule,
                (from, count) -> pub.publish(from, count, QOS, "bench/" + id + "/data"), arrivals, load);
            counter.checkHealthy();
            return r;
        } finally {
            ctx.env().deleteConnector(id);
        }
    }

    /**
     * The Kafka side alone at {@code rate}: a producer with the worker's settings to the same consumer, so the
     * report shows how much of the source's latency Kafka itself accounts for.
     */
    Result kafka(int rate) {
        String topic = "bench.latency-kafka-r" + rate;
        String load = LoadAverage.now();
        int n = count(rate);
        int size = ctx.options().payloadBytes();
        ctx.env().createTopic(topic, 1);
        Arrivals arrivals = Arrivals.withLatency(n);
        PacedSchedule schedule = new PacedSchedule(rate);
        try (KafkaCounter counter = KafkaCounter.start(ctx.env().bootstrapServers(), topic, arrivals);
             KafkaProducer<byte[], byte[]> producer = ctx.env().workerLikeProducer()) {
            producer.send(new ProducerRecord<>(topic, "warm-up".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            Publisher publish = (from, count) -> {
                for (int seq = from; seq < from + count; seq++) {
                    producer.send(new ProducerRecord<>(topic, SequencePayload.of(seq, schedule.intendedNanos(seq),
                        size)));
                }
            };
            Result r = run("latency", "KafkaProducer @ " + rate + " msg/s", rate, n, schedule, publish, arrivals,
                load);
            counter.checkHealthy();
            return r;
        }
    }

    /** Sends messages {@code from .. from+count-1}. */
    @FunctionalInterface
    private interface Publisher {
        void publish(int from, int count);
    }

    private int count(int rate) {
        return (int) Math.min(Integer.MAX_VALUE / 2, (long) rate * ctx.options().latencySeconds());
    }

    private SequencePublisher pacedPublisher(PacedSchedule schedule) {
        int size = ctx.options().payloadBytes();
        return ctx.publisher(MQTT_VERSION, seq -> SequencePayload.of(seq, schedule.intendedNanos(seq), size));
    }

    /**
     * Publishes {@code n} messages on {@code schedule}: whatever is due goes out in one call, which returns once
     * the broker acknowledged it, so a slow acknowledgement makes the next batch larger, never the rate lower.
     */
    private Result run(String scenario, String variant, int rate, int n, PacedSchedule schedule,
                       Publisher publisher, Arrivals arrivals, String load) {
        arrivals.arm();
        long start = System.nanoTime();
        schedule.start(start);
        int sent = 0;
        while (sent < n) {
            long now = System.nanoTime();
            int due = schedule.dueBy(now, n);
            if (due > sent) {
                publisher.publish(sent, due - sent);
                sent = due;
            } else {
                // pacing, not waiting for a condition: the next message is due in under one interval
                LockSupport.parkNanos(schedule.intendedNanos(sent) - now);
            }
        }
        double offered = n * 1e9 / (System.nanoTime() - start);
        boolean complete = arrivals.awaitComplete(ctx.timeout(), BenchContext.STALL);
        Histogram h = arrivals.latencyMicros();
        Map<String, Object> details = BenchContext.details(load, arrivals);
        details.put("rate", rate);
        details.put("offeredMsgPerSec", Math.round(offered));
        details.put("p50Ms", ms(h.getValueAtPercentile(50)));
        details.put("p99Ms", ms(h.getValueAtPercentile(99)));
        details.put("p999Ms", ms(h.getValueAtPercentile(99.9)));
        details.put("maxMs", ms(h.getMaxValue()));
        details.put("note", String.format(java.util.Locale.ROOT, "p50 %.2f, p99.9 %.2f, max %.2f ms",
            ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue())));
        return Result.of(scenario, variant, ms(h.getValueAtPercentile(99)), "ms p99", complete, details);
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
