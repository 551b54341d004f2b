package io.mqttbridge.demo;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * The connectors' own metrics at one instant, read from JMX exactly as an exporter would: every MBean named
 * {@code kafka.connect:type=plugins,connector=NAME,task=N} (the tasks' plugin metrics) and
 * {@code kafka.connect:type=sink-task-metrics,...} / {@code source-task-metrics} (Connect's own), summed over tasks.
 */
final class ConnectorMetrics {
    private static final String[] GROUPS = {"plugins", "sink-task-metrics", "source-task-metrics"};

    private final Map<String, Map<String, Double>> byConnector;
    private final long nanos;

    private ConnectorMetrics(Map<String, Map<String, Double>> byConnector, long nanos) {
        this.byConnector = byConnector;
        this.nanos = nanos;
    }

    /** Reads the platform MBean server of this JVM, where the demo's Connect worker registers its metrics. */
    static ConnectorMetrics read() {
        return read(ManagementFactory.getPlatformMBeanServer());
    }

    static ConnectorMetrics read(MBeanServer server) {
        Map<String, Map<String, Double>> values = new HashMap<>();
        for (String group : GROUPS) {
            ObjectName pattern;
            try {
                pattern = new ObjectName("kafka.connect:type=" + group + ",*");
            } catch (javax.management.MalformedObjectNameException e) {
                throw new IllegalStateException(e);
            }
            for (ObjectName name : server.queryNames(pattern, null)) {
                String connector = name.getKeyProperty("connector");
                if (connector == null || name.getKeyProperty("task") == null) {
                    continue;
                }
                Map<String, Double> metrics = values.computeIfAbsent(unquote(connector), c -> new HashMap<>());
                try {
                    for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                        Object value = server.getAttribute(name, attribute.getName());
                        if (value instanceof Number number && !Double.isNaN(number.doubleValue())) {
                            metrics.merge(attribute.getName(), number.doubleValue(), Double::sum);
                        }
                    }
                } catch (javax.management.JMException | RuntimeException e) {
                    // a task stopping while being read: its figures are simply absent from this snapshot
                }
            }
        }
        return new ConnectorMetrics(values, System.nanoTime());
    }

    /** The metric summed over the connector's tasks; 0 when absent (not started yet). */
    double get(String connector, String metric) {
        return byConnector.getOrDefault(connector, Map.of()).getOrDefault(metric, 0.0);
    }

    /** Whether any task of the connector registered metrics. */
    boolean has(String connector) {
        return byConnector.containsKey(connector);
    }

    /** Seconds between {@code earlier} and this snapshot. */
    double secondsSince(ConnectorMetrics earlier) {
        return (nanos - earlier.nanos) / 1e9;
    }

    /** Per-second rate of a counter between {@code earlier} and this snapshot. */
    double rate(ConnectorMetrics earlier, String connector, String metric) {
        double seconds = secondsSince(earlier);
        if (seconds <= 0) {
            return 0;
        }
        return Math.max(0, get(connector, metric) - earlier.get(connector, metric)) / seconds;
    }

    private static String unquote(String value) {
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }
}
