package io.mqttbridge.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the demo can be told, from system properties ({@code -Ddemo.connect.port=18083}); through Maven,
 * {@code mvn -pl demo exec:exec -Ddemo.connect.port=18083} passes them on.
 *
 * @param configDir     the connector JSON files ({@code config/})
 * @param connectPort   {@value #CONNECT_PORT}: the Connect worker's REST port (default 8083)
 * @param mqttPort      {@value #MQTT_PORT}: the port of the demo's own MQTT broker (default 1883; 0 picks a free
 *                      one). An embedded broker (no Mosquitto installed) always takes a free port.
 * @param postgresUrl   {@value #POSTGRES_URL}: a PostgreSQL server to use when it answers (default the local one on
 *                      5432), in which the demo creates its own database; else an embedded PostgreSQL starts
 * @param postgresUser  {@value #POSTGRES_USER} (default {@code postgres})
 * @param postgresPassword {@value #POSTGRES_PASSWORD} (default empty, as with trust authentication)
 * @param pluginPath    {@value #PLUGIN_PATH}: the directory of isolated Connect plugins (the JDBC sink connector)
 * @param sensors       {@value #SENSORS}: how many simulated ESP32 nodes (default 3)
 * @param interval      {@value #INTERVAL_MS}: time between two readings of one sensor (default 1000 ms)
 * @param tableName     {@value #TABLE}: the table the JDBC sink writes (default {@code plant_telemetry})
 */
record DemoSettings(Path configDir, int connectPort, int mqttPort, String postgresUrl, String postgresUser,
                    String postgresPassword, Path pluginPath, int sensors, Duration interval, String tableName) {
    static final String CONNECT_PORT = "demo.connect.port";
    static final String MQTT_PORT = "demo.mqtt.port";
    static final String POSTGRES_URL = "demo.postgres.url";
    static final String POSTGRES_USER = "demo.postgres.user";
    static final String POSTGRES_PASSWORD = "demo.postgres.password";
    static final String PLUGIN_PATH = "demo.plugin.path";
    static final String SENSORS = "demo.sensors";
    static final String INTERVAL_MS = "demo.interval.ms";
    static final String TABLE = "demo.table";

    DemoSettings {
        if (sensors < 1 || sensors > 99) {
            throw new IllegalArgumentException(SENSORS + " must be between 1 and 99, was " + sensors);
        }
        if (!tableName.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException(TABLE + " must be a lower-case SQL identifier, was " + tableName);
        }
    }

    /** The settings from system properties, defaults where unset. */
    static DemoSettings fromSystemProperties(Path configDir) {
        return new DemoSettings(configDir,
            intProperty(CONNECT_PORT, 8083),
            intProperty(MQTT_PORT, 1883),
            System.getProperty(POSTGRES_URL, "jdbc:postgresql://127.0.0.1:5432/postgres"),
            System.getProperty(POSTGRES_USER, "postgres"),
            System.getProperty(POSTGRES_PASSWORD, ""),
            Path.of(System.getProperty(PLUGIN_PATH, "demo/target/connect-plugins")),
            intProperty(SENSORS, 3),
            Duration.ofMillis(intProperty(INTERVAL_MS, 1000)),
            System.getProperty(TABLE, "plant_telemetry"));
    }

    DemoSettings withPorts(int connect, int mqtt) {
        return new DemoSettings(configDir, connect, mqtt, postgresUrl, postgresUser, postgresPassword, pluginPath,
            sensors, interval, tableName);
    }

    DemoSettings withTable(String table, Duration readingInterval) {
        return new DemoSettings(configDir, connectPort, mqttPort, postgresUrl, postgresUser, postgresPassword,
            pluginPath, sensors, readingInterval, table);
    }

    /** The sensors' device ids: {@code esp32-01}, {@code esp32-02}, ... */
    List<String> sensorIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= sensors; i++) {
            ids.add(String.format(Locale.ROOT, "esp32-%02d", i));
        }
        return ids;
    }

    /**
     * Fails with a message naming the port and the property that moves it when a port the demo must listen on is
     * taken; port 0 means any free port and is not checked.
     */
    void checkPortsFree() {
        List<String> problems = new ArrayList<>();
        check(connectPort, CONNECT_PORT, "the Connect REST API", problems);
        check(mqttPort, MQTT_PORT, "the MQTT broker", problems);
        if (!problems.isEmpty()) {
            throw new PortInUseException(String.join("\n", problems));
        }
    }

    private static void check(int port, String property, String what, List<String> problems) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            problems.add("Port " + port + " (" + what + ") is in use by another program: stop it, or choose another "
                + "port with -D" + property + "=PORT (0 picks a free one).");
        }
    }

    private static int intProperty(String name, int defaultValue) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'", e);
        }
    }

    /** A port the demo needs is taken; the message says which and how to move it. */
    static final class PortInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
