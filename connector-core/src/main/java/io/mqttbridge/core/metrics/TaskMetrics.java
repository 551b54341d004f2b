package io.mqttbridge.core.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A task's own metrics, registered through Connect's plugin metrics (KIP-877), so the worker publishes them over
 * JMX as {@code kafka.connect:type=plugins,connector=NAME,task=N} beside Connect's own task metrics, for any JMX
 * or Prometheus exporter. On a worker without plugin metrics the counters still count (logs and tests read them),
 * nothing is registered. Thread-safe.
 */
public final class TaskMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskMetrics.class);

    private final PluginMetrics pluginMetrics;
    private final List<MetricName> registered = new ArrayList<>();
    private final List<String> sensors = new ArrayList<>();

    private TaskMetrics(PluginMetrics pluginMetrics) {
        this.pluginMetrics = pluginMetrics;
    }

    /**
     * Metrics registered through {@code source} (typically {@code context::pluginMetrics}); a worker older than
     * Kafka 4.1 lacks the method, and then nothing is registered.
     */
    public static TaskMetrics register(Supplier<PluginMetrics> source) {
        PluginMetrics metrics = null;
        try {
            metrics = source.get();
        } catch (LinkageError | UnsupportedOperationException e) {
            log.info("This Connect worker offers no plugin metrics ({}); task metrics are not exported", e.toString());
        }
        return new TaskMetrics(metrics);
    }

    /** Metrics that count but register nothing; for code run outside a worker. */
    public static TaskMetrics unregistered() {
        return new TaskMetrics(null);
    }

    /**
     * A value read when the metric is read, e.g. a queue length. Connect may start a new instance of a task while
     * one it could not stop (Kafka unreachable, say) still holds the metric's name, which only that instance's
     * plugin metrics can remove: the new instance then runs without exporting it rather than failing.
     */
    public void gauge(String name, String description, LongSupplier value) {
        if (pluginMetrics == null) {
            return;
        }
        MetricName metricName = pluginMetrics.metricName(name, description, new LinkedHashMap<>());
        try {
            pluginMetrics.addMetric(metricName, (Gauge<Long>) (config, now) -> value.getAsLong());
        } catch (IllegalArgumentException alreadyRegistered) {
            log.warn("Metric {} is still held by an earlier instance of this task that Connect could not stop; "
                + "this instance does not export it", metricName.name());
            return;
        }
        registered.add(metricName);
    }

    /** A latency in milliseconds, exported as {@code name-avg} and {@code name-max} over Kafka's sample window. */
    public Latency latency(String name, String description) {
        if (pluginMetrics == null) {
            return Latency.NONE;
        }
        Sensor sensor = pluginMetrics.addSensor(name);
        sensor.add(pluginMetrics.metricName(name + "-avg", "Average " + description, new LinkedHashMap<>()),
            new Avg());
        sensor.add(pluginMetrics.metricName(name + "-max", "Maximum " + description, new LinkedHashMap<>()),
            new Max());
        sensors.add(name);
        return new Latency(sensor);
    }

    /** Removes what was registered; the worker does so as well when the task stops. */
    @Override
    public void close() {
        if (pluginMetrics == null) {
            return;
        }
        for (MetricName name : registered) {
            try {
                pluginMetrics.removeMetric(name);
            } catch (RuntimeException e) {
                log.debug("Could not remove metric {}: {}", name, e.toString());
            }
        }
        for (String sensor : sensors) {
            try {
                pluginMetrics.removeSensor(sensor);
            } catch (RuntimeException e) {
                log.debug("Could not remove sensor {}: {}", sensor, e.toString());
            }
        }
        registered.clear();
        sensors.clear();
    }

    /** A count that only grows; export it with {@link #gauge}. */
    public static final class Counter {
        private final LongAdder adder = new LongAdder();

        public Counter() {
        }

        public void increment() {
            adder.increment();
        }

        public void add(long n) {
            adder.add(n);
        }

        public long get() {
            return adder.sum();
        }
    }

    /** Records latencies in milliseconds. */
    public static final class Latency {
        /** Records nothing: the latency of a task whose metrics are not registered yet. */
        public static final Latency NONE = new Latency(null);

        private final Sensor sensor;

        private Latency(Sensor sensor) {
            this.sensor = sensor;
        }

        public void record(double millis) {
            if (sensor != null) {
                sensor.record(millis);
            }
        }
    }
}
