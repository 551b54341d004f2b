package io.mqttbridge.demo;

import java.util.List;
import java.util.Locale;

/**
 * The demo's one-line progress, from the connectors' JMX metrics and the row count: the rate (and total) at each
 * hop, what is pending (received or put and not yet acknowledged), dead letters, reconnects and the source's write
 * latency (MQTT arrival to Kafka's acknowledgement, average). Rates are over the interval since the previous
 * snapshot, e.g. {@code mqtt>kafka 3.0/s 141 | >pg 4.0/s 139 rows | >aws 3.0/s 139 | >azure 3.0/s 138 |
 * cloud>kafka 0.0/s 3 | >devices 1.0/s 3 | pending 2 | dlq 0 | reconn 0 | 20 ms}.
 */
final class ProgressLine {
    private final Pipeline pipeline;
    private ConnectorMetrics previous;
    private long previousRows;

    ProgressLine(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.previous = ConnectorMetrics.read();
    }

    /** The line for now; the next call's rates are relative to this one. */
    String next() {
        ConnectorMetrics now = ConnectorMetrics.read();
        long rows = pipeline.rows();
        double seconds = Math.max(1e-3, now.secondsSince(previous));
        String source = pipeline.connectorName("mqtt-source");
        String awsSink = pipeline.connectorName("aws-sink");
        String azureSink = pipeline.connectorName("azure-sink");
        String mqttSink = pipeline.connectorName("mqtt-sink");
        String awsSource = pipeline.connectorName("aws-source");
        String azureSource = pipeline.connectorName("azure-source");
        String line = String.format(Locale.ROOT,
            "mqtt>kafka %s | >pg %.1f/s %d rows | >aws %s | >azure %s | cloud>kafka %s | >devices %s"
                + " | pending %d | dlq %d | reconn %d | %.0f ms",
            hop(now, source, "records-written-total"),
            Math.max(0, rows - previousRows) / seconds, rows,
            hop(now, awsSink, "shadow-update-accepted-total"),
            hop(now, azureSink, "reported-patches-total"),
            rateAndTotal(now.rate(previous, awsSource, "shadow-changes-total")
                    + now.rate(previous, azureSource, "desired-patches-total")
                    + now.rate(previous, azureSource, "desired-full-total"),
                now.get(awsSource, "shadow-changes-total") + now.get(azureSource, "desired-patches-total")
                    + now.get(azureSource, "desired-full-total")),
            hop(now, mqttSink, "mqtt-publish-confirmed-total"),
            Math.round(now.get(source, "mqtt-ack-pending") + now.get(awsSink, "shadow-update-pending")
                + now.get(azureSink, "records-pending") + now.get(mqttSink, "mqtt-publish-pending")),
            Math.round(sum(now, "dead-lettered-total", source, awsSink, azureSink, mqttSink)),
            Math.round(now.get(source, "mqtt-reconnect-total") + now.get(mqttSink, "mqtt-reconnect-total")
                + now.get(awsSink, "aws-iot-reconnect-total") + now.get(awsSource, "aws-iot-reconnect-total")
                + now.get(azureSource, "device-reconnects-total")),
            now.get(source, "record-write-latency-ms-avg"));
        previous = now;
        previousRows = rows;
        return line;
    }

    private String hop(ConnectorMetrics now, String connector, String counter) {
        return rateAndTotal(now.rate(previous, connector, counter), now.get(connector, counter));
    }

    private static String rateAndTotal(double rate, double total) {
        return String.format(Locale.ROOT, "%.1f/s %d", rate, Math.round(total));
    }

    private static double sum(ConnectorMetrics metrics, String metric, String... connectors) {
        return List.of(connectors).stream().mapToDouble(c -> metrics.get(c, metric)).sum();
    }
}
