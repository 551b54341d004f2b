package io.mqttbridge.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's pipeline headless, from the files in {@code config/}: every reading reaches PostgreSQL (through
 * Debezium's JDBC sink, loaded from its own plugin directory), the AWS shadow and the Azure twin of its sensor, and
 * every desired change made in either cloud reaches its device, which applies it and reports it back. The figures the
 * progress line shows come from the connectors' JMX metrics, checked here against what arrived.
 */
class QuickStartIT {
    private static final int READINGS_PER_SENSOR = 20;

    @Test
    void everyReadingReachesPostgresAndBothCloudsAndEveryCommandItsDevice() throws Exception {
        // Free ports and a table of its own, so that a demo or another run on this machine does not collide.
        String table = String.format(Locale.ROOT, "plant_telemetry_it_%06d",
            ThreadLocalRandom.current().nextInt(1_000_000));
        DemoSettings settings = DemoSettings.fromSystemProperties(Path.of("..", "config")).withPorts(0, 0)
            .withTable(table, Duration.ofSeconds(1));

        QuickStart.Outcome outcome;
        try {
            outcome = QuickStart.run(settings, READINGS_PER_SENSOR, line -> System.out.println(line));
        } finally {
            try (DemoDatabase database = DemoDatabase.open(settings.postgresUrl(), settings.postgresUser(),
                settings.postgresPassword())) {
                database.dropTable(table);
            }
        }

        assertEquals(java.util.List.of(), outcome.problems(), "what the run found missing");
        long readings = (long) READINGS_PER_SENSOR * settings.sensors();
        assertEquals(readings, outcome.readings());
        assertEquals(readings, outcome.rows(), "one row per reading (upserts keyed by sensor and seq)");

        ConnectorMetrics metrics = outcome.metrics();
        outcome.connectors().forEach((role, connector) -> {
            // the twin source was stopped before the twin sink started, and its metrics went with its task
            if (!role.equals("azure-source")) {
                assertTrue(metrics.has(connector), "JMX metrics of " + connector);
            }
        });
        assertMetricAtLeast(metrics, outcome.connectors().get("mqtt-source"), "records-written-total", readings);
        assertMetricAtLeast(metrics, outcome.connectors().get("mqtt-source"), "mqtt-messages-acked-total", readings);
        assertMetricAtLeast(metrics, outcome.connectors().get("jdbc-sink"), "sink-record-read-total", readings);
        assertMetricAtLeast(metrics, outcome.connectors().get("aws-sink"), "shadow-update-accepted-total", readings);
        assertMetricAtLeast(metrics, outcome.connectors().get("azure-sink"), "reported-patches-total", readings);
        // one command per sensor from each cloud (plus the twin source's first full desired documents)
        assertMetricAtLeast(metrics, outcome.connectors().get("mqtt-sink"), "mqtt-publish-confirmed-total",
            2L * settings.sensors());
        for (String role : java.util.List.of("mqtt-source", "aws-sink", "azure-sink", "mqtt-sink")) {
            String connector = outcome.connectors().get(role);
            assertEquals(0.0, metrics.get(connector, "dead-lettered-total"), role + " dead letters");
        }
    }

    private static void assertMetricAtLeast(ConnectorMetrics metrics, String connector, String metric, long atLeast) {
        double value = metrics.get(connector, metric);
        assertTrue(value >= atLeast, connector + " " + metric + " = " + value + ", expected at least " + atLeast);
    }
}
