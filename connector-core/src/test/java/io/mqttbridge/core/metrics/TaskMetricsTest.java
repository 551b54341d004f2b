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
     * already exists" and stayed FAILED. Each instance has its own plugin metrics over the worker's one registry,
     * as in a worker.
     */
    @Test
    void aNewInstanceOfATaskStartsWhileAStuckOneHoldsItsMetrics() throws Exception {
        Map<String, String> tags = Map.of("connector", "c", "task", "0");
        try (Metrics metrics = new Metrics();
             PluginMetricsImpl stuckPlugin = new PluginMetricsImpl(metrics, tags);
             PluginMetricsImpl nextPlugin = new PluginMetricsImpl(metrics, tags)) {
            TaskMetrics stuck = TaskMetrics.register(() -> stuckPlugin);
            stuck.gauge("mqtt-publish-total", "publishes", () -> 1);
            TaskMetrics next = TaskMetrics.register(() -> nextPlugin);
            next.gauge("mqtt-publish-total", "publishes", () -> 2);
            next.gauge("mqtt-connected", "connected", () -> 1);

            MetricName total = nextPlugin.metricName("mqtt-publish-total", "publishes", new LinkedHashMap<>());
            MetricName connected = nextPlugin.metricName("mqtt-connected", "connected", new LinkedHashMap<>());
            assertEquals(1L, metrics.metric(total).metricValue(), "still the stuck instance's");
            assertEquals(1L, metrics.metric(connected).metricValue(), "names nobody holds are exported");
            next.close();
            assertNull(metrics.metric(connected), "closing removes what this instance registered");
            assertEquals(1L, metrics.metric(total).metricValue(), "and leaves what it did not");
        }
    }
}
