package io.mqttbridge.core.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Task metrics over Kafka's own plugin metrics implementation, as a worker provides it. */
class TaskMetricsTest {

    /**
     * Found by WorkerCrashIT: after a Kafka broker restart the worker started a new instance of a sink task while
     * the old one, which it could not stop, still held its metrics; the new one failed with "A metric named ...
     * already exists" and stayed FAILED.
     */
    @Test
    void aNewInstanceOfATaskReplacesTheMetricsAnOldOneLeft() throws Exception {
        try (Metrics metrics = new Metrics();
             PluginMetricsImpl plugin = new PluginMetricsImpl(metrics, Map.of("connector", "c", "task", "0"))) {
            TaskMetrics stuck = TaskMetrics.register(() -> plugin);
            stuck.gauge("mqtt-publish-total", "publishes", () -> 1);
            TaskMetrics next = TaskMetrics.register(() -> plugin);
            next.gauge("mqtt-publish-total", "publishes", () -> 2);

            MetricName name = plugin.metricName("mqtt-publish-total", "publishes", new LinkedHashMap<>());
            assertEquals(2L, metrics.metric(name).metricValue(), "the running instance's value");
            next.close();
            assertNull(metrics.metric(name), "closing removes it");
        }
    }
}
