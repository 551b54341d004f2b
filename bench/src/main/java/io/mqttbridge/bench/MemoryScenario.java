package io.mqttbridge.bench;

import io.mqttbridge.testkit.mqtt.SequencePublisher;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The worker's heap and RSS while a backlog of {@code backlogFactor x messages} QoS 1 messages, queued by the broker
 * for the connector's persistent session before the connector starts, drains through one task. A task that stays
 * bounded (the ack tracker's {@code mqtt.max.inflight}, the MQTT 5 receive maximum) holds a window of the backlog,
 * never the backlog: the old generation, where a held backlog would end up, must grow by far less than it.
 */
final class MemoryScenario {

    private static final String ID = "memory";
    private static final String CLIENT_ID = "bench-memory";

    private final BenchContext ctx;

    MemoryScenario(BenchContext ctx) {
        this.ctx = ctx;
    }

    Result run() {
        BenchEnvironment env = ctx.env();
        String load = LoadAverage.now();
        int n = ctx.options().messages() * ctx.options().backlogFactor();
        String filter = "bench/" + ID + "/#";
        createSession(env.mqttUri(), filter);
        long backlogBytes = (long) n * ctx.options().payloadBytes();
        try (SequencePublisher pub = ctx.publisher(5)) {
            pub.publish(0, n, 1, "bench/" + ID + "/data");
        }
        Map<String, String> config = ctx.sourceConfig(ID, 5, 1, 1);
        config.put("mqtt.client.id", CLIENT_ID);
        env.createTopic("bench." + ID + ".data", 1);
        Arrivals arrivals = Arrivals.expecting(n);
        try (WorkerMemorySampler sampler = WorkerMemorySampler.start(env.worker());
             KafkaCounter counter = KafkaCounter.start(env.bootstrapServers(), "bench." + ID + ".data", arrivals)) {
            Awaitility.await("baseline samples of the worker's memory").atMost(Duration.ofSeconds(30))
                .until(() -> sampler.count() >= 4 || sampler.problem() != null);
            if (sampler.count() < 4) {
                throw new IllegalStateException("jstat cannot sample the worker: " + sampler.problem());
            }
            List<WorkerMemorySampler.Sample> baseline = sampler.samples();
            arrivals.arm();
            long start = System.nanoTime();
            env.runConnector(ID, config, 1);
            boolean complete = arrivals.awaitComplete(ctx.timeout(), BenchContext.STALL);
            counter.checkHealthy();
            List<WorkerMemorySampler.Sample> all = sampler.samples();
            List<WorkerMemorySampler.Sample> during = all.subList(baseline.size(), all.size());

            long baseRss = max(baseline, WorkerMemorySampler.Sample::rss);
            long baseOld = max(baseline, WorkerMemorySampler.Sample::oldUsed);
            long baseHeap = max(baseline, WorkerMemorySampler.Sample::heapUsed);
            long peakRss = max(during, WorkerMemorySampler.Sample::rss);
            long peakOld = max(during, WorkerMemorySampler.Sample::oldUsed);
            long peakHeap = max(during, WorkerMemorySampler.Sample::heapUsed);
            Map<String, Object> details = BenchContext.details(load, arrivals);
            details.put("backlogMessages", n);
            details.put("backlogMiB", mib(backlogBytes));
            details.put("workerXmx", ctx.options().workerHeap());
            details.put("baselineRssMiB", mib(baseRss));
            details.put("peakRssMiB", mib(peakRss));
            details.put("baselineHeapUsedMiB", mib(baseHeap));
            details.put("peakHeapUsedMiB", mib(peakHeap));
            details.put("baselineOldGenMiB", mib(baseOld));
            details.put("peakOldGenMiB", mib(peakOld));
            details.put("drainMsgPerSec", Math.round(arrivals.rateSince(start)));
            details.put("samples", during.size());
            details.put("note", String.format(java.util.Locale.ROOT,
                "backlog %.0f MiB; RSS %.0f->%.0f MiB, heap used peak %.0f MiB, old gen %.0f->%.0f MiB",
                mib(backlogBytes), mib(baseRss), mib(peakRss), mib(peakHeap), mib(baseOld), mib(peakOld)));
            Result r = Result.of("memory", ctx.options().backlogFactor() + "x backlog, MQTT 5 QoS 1", mib(peakRss),
                "MiB RSS", complete, details);
            return r.verdict("old gen growth < backlog/2", peakOld - baseOld < backlogBytes / 2);
        } finally {
            env.deleteConnector(ID);
        }
    }

    /** A persistent session subscribed to {@code filter}, left offline so the broker queues for it. */
    private static void createSession(String uri, String filter) {
        try {
            MqttClient client = new MqttClient(uri, CLIENT_ID, new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setSessionExpiryInterval(3600L);
            client.connect(options);
            client.subscribe(filter, 1);
            client.disconnect();
            client.close();
        } catch (MqttException e) {
            throw new IllegalStateException("Cannot create the session of " + CLIENT_ID + " on " + uri + ": " + e, e);
        }
    }

    private static long max(List<WorkerMemorySampler.Sample> samples,
                            java.util.function.ToLongFunction<WorkerMemorySampler.Sample> f) {
        return samples.stream().mapToLong(f).max().orElse(0);
    }

    private static double mib(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }
}
