package io.mqttbridge.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.aws.AwsIotEmulator;
import io.mqttbridge.testkit.azure.IotHubEmulator;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MosquittoBroker;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole pipeline, started in order and stopped in reverse: an MQTT broker, PostgreSQL, the AWS IoT and Azure IoT
 * Hub emulators, Kafka and a Connect worker, then every connector created through the REST API from the JSON files
 * in {@code config/}, each with only what this machine decides overridden (broker address, emulator endpoints and
 * trust, the database URL):
 * <pre>
 *   sensors -MQTT-> broker -mqtt-source-> plant.telemetry -jdbc-sink-> PostgreSQL
 *                                                          -shadow-sink-> AWS shadow reported
 *                                                          -twin-sink-> Azure twin reported
 *   AWS shadow delta -shadow-source-> plant.commands -mqtt-sink-> broker -MQTT-> sensors
 *   Azure twin desired -twin-source-/
 * </pre>
 */
final class Pipeline implements AutoCloseable {
    static final String TELEMETRY_TOPIC = "plant.telemetry";
    static final String COMMANDS_TOPIC = "plant.commands";
    static final String MQTT_SOURCE = "mqtt-source";
    static final String JDBC_SINK = "jdbc-sink";
    static final String AWS_SINK = "aws-sink";
    static final String AZURE_SINK = "azure-sink";
    static final String MQTT_SINK = "mqtt-sink";
    static final String AWS_SOURCE = "aws-source";
    static final String AZURE_SOURCE = "azure-source";
    /**
     * Every role. The twin sink and the twin source act for the same devices over one hub connection per device
     * (IoT Hub allows one), which both connectors share within the worker.
     */
    static final List<String> DEFAULT_ROLES = List.of(MQTT_SOURCE, JDBC_SINK, AWS_SINK, AZURE_SINK, MQTT_SINK,
        AWS_SOURCE, AZURE_SOURCE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECTOR_START = Duration.ofSeconds(90);

    private final DemoSettings settings;
    private final Consumer<String> say;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, String> connectorNames = new LinkedHashMap<>();
    private MqttBroker broker;
    private String brokerUri;
    private DemoDatabase database;
    private AwsIotEmulator aws;
    private IotHubEmulator azure;
    private KafkaConnectWorker worker;
    private SensorFleet sensors;
    private CloudEmulators clouds;
    private Path work;
    private String groupKey;
    private final List<String> roles;

    private Pipeline(DemoSettings settings, Consumer<String> say, List<String> roles) {
        this.settings = settings;
        this.say = say;
        this.roles = roles;
    }

    /**
     * Starts everything and creates the connectors; on failure stops what started and rethrows.
     *
     * @param say   where progress messages go, one line each
     * @param roles the connectors to create at start, in order (see {@link #DEFAULT_ROLES})
     */
    static Pipeline start(DemoSettings settings, Consumer<String> say, List<String> roles) throws Exception {
        settings.checkPortsFree();
        Pipeline pipeline = new Pipeline(settings, say, roles);
        try {
            pipeline.startAll();
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void startAll() throws Exception {
        work = Files.createTempDirectory("mqtt-bridge-demo");
        // closed last: the emulators' TLS material and the source's QoS 2 state go with the run
        remember(() -> deleteRecursively(work));
        say.accept("starting an MQTT broker");
        BrokerConfig.Builder brokerConfig = BrokerConfig.builder();
        int mqttPort = settings.mqttPort();
        if (mqttPort != 0) {
            // The demo's well-known port beside the fixture's own random one. A Mosquitto line: the embedded broker
            // (no Mosquitto installed) ignores it and keeps its random port.
            brokerConfig.extraConfig("listener " + mqttPort + " 127.0.0.1");
        }
        broker = remember(MqttBrokers.start(brokerConfig.build()));
        boolean fixedPort = mqttPort != 0 && broker instanceof MosquittoBroker;
        brokerUri = fixedPort ? "tcp://127.0.0.1:" + mqttPort : broker.tcpUri();
        say.accept("MQTT broker: " + broker.kind() + " at " + brokerUri);

        say.accept("opening PostgreSQL");
        database = remember(DemoDatabase.open(settings.postgresUrl(), settings.postgresUser(),
            settings.postgresPassword()));
        database.dropTable(settings.tableName());
        say.accept("PostgreSQL: " + database.description() + ", database " + DemoDatabase.DATABASE + ", table "
            + settings.tableName());

        say.accept("starting the AWS IoT Core emulator (mutual TLS, device shadow service) and the Azure IoT Hub "
            + "emulator (TLS, SAS keys derived from the enrollment group key of config/azure-twin-sink.json)");
        clouds = remember(CloudEmulators.start(settings.configDir(), work.resolve("clouds"), 0));
        aws = clouds.aws();
        azure = clouds.azure();
        groupKey = readConnectorConfig("azure-twin-sink.json").get("iothub.group.key");
        say.accept("AWS IoT at localhost:" + aws.port() + ", IoT Hub " + azure.hostName() + " at "
            + azure.gatewayHost() + ":" + IotHubEmulator.PORT);

        int connectPort = settings.connectPort() == 0 ? freePort() : settings.connectPort();
        say.accept("starting Kafka (KRaft) and a Connect worker, REST API on port " + connectPort);
        worker = remember(KafkaConnectWorker.start(connectPort, settings.pluginPath()));
        worker.kafka().createTopic(TELEMETRY_TOPIC, 1);
        worker.kafka().createTopic(COMMANDS_TOPIC, 1);
        say.accept("Kafka at " + worker.bootstrapServers() + ", Connect REST at " + worker.restUrl());

        say.accept("connecting " + settings.sensors() + " simulated ESP32 sensors");
        sensors = remember(SensorFleet.connect(brokerUri, settings.sensorIds()));

        createConnectors();
    }

    private void createConnectors() throws IOException {
        for (String role : roles) {
            createConnector(role);
        }
        for (String role : roles) {
            worker.awaitRunning(connectorNames.get(role), CONNECTOR_START);
        }
        say.accept("connectors RUNNING: " + String.join(", ", connectorNames.values()));
    }

    private void createConnector(String role) throws IOException {
        Map<String, String> mqtt = Map.of("mqtt.server.uris", brokerUri);
        Map<String, String> hub = clouds.hubSettings();
        switch (role) {
            case MQTT_SOURCE -> create(role, "mqtt-source.json", mqtt, Map.of("mqtt.persistence.dir",
                Files.createDirectories(work.resolve("mqtt-source")).toString()));
            case JDBC_SINK -> create(role, "jdbc-sink.json", Map.of("connection.url", database.jdbcUrl(),
                "connection.username", database.user(), "connection.password", database.password(),
                "collection.name.format", settings.tableName()));
            case AWS_SINK -> create(role, "aws-shadow-sink.json", clouds.awsSettings());
            // The example twin sink reads schemaless JSON from its own topic; here it takes the sensors' telemetry.
            case AZURE_SINK -> create(role, "azure-twin-sink.json", hub, Map.of("topics", TELEMETRY_TOPIC,
                "value.converter.schemas.enable", "true"));
            case MQTT_SINK -> create(role, "mqtt-sink.json", mqtt);
            case AWS_SOURCE -> create(role, "aws-shadow-source.json", clouds.awsSettings());
            // The example twin source lists two devices with their own keys; here every sensor, keys from the group.
            case AZURE_SOURCE -> create(role, "azure-twin-source.json", hub, Map.of("kafka.topic", COMMANDS_TOPIC,
                "iothub.auth.mode", "group.key", "iothub.group.key", groupKey, "iothub.device.keys", "",
                "iothub.device.ids", String.join(",", settings.sensorIds())));
            default -> throw new IllegalArgumentException("No connector role " + role);
        }
    }

    @SafeVarargs
    private void create(String role, String file, Map<String, String>... overrides) throws IOException {
        Map<String, String> config = readConnectorConfig(file);
        for (Map<String, String> override : overrides) {
            config.putAll(override);
        }
        config.values().removeIf(String::isEmpty);
        String name = config.get("name");
        String deadLetters = config.get("errors.deadletterqueue.topic.name");
        if (deadLetters != null && !worker.topicExists(deadLetters)) {
            // Connect creates it on first use, but logs that as an ERROR mid-demo
            worker.kafka().createTopic(deadLetters, 1);
        }
        say.accept("creating connector '" + name + "' through REST from config/" + file);
        worker.putConnector(name, config);
        connectorNames.put(role, name);
    }

    /** The connector's name in its config file, by role: mqtt-source, jdbc-sink, aws-sink, azure-sink, ... */
    String connectorName(String role) {
        return connectorNames.get(role);
    }

    String brokerUri() {
        return brokerUri;
    }

    SensorFleet sensors() {
        return sensors;
    }

    AwsIotEmulator aws() {
        return aws;
    }

    IotHubEmulator azure() {
        return azure;
    }

    DemoDatabase database() {
        return database;
    }

    DemoSettings settings() {
        return settings;
    }

    KafkaConnectWorker worker() {
        return worker;
    }

    /** Rows in the telemetry table now. */
    long rows() {
        try {
            return database.countRows(settings.tableName());
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Stops sensors, connectors and worker, Kafka, emulators, database and broker, in reverse order of start. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                say.accept("while stopping " + next.getClass().getSimpleName() + ": " + e);
            }
        }
    }

    private <T extends AutoCloseable> T remember(T component) {
        started.push(component);
        return component;
    }

    private Map<String, String> readConnectorConfig(String file) throws IOException {
        Map<String, Object> raw = JSON.readValue(settings.configDir().resolve(file).toFile(),
            new TypeReference<Map<String, Object>>() { });
        Map<String, String> config = new LinkedHashMap<>();
        raw.forEach((k, v) -> config.put(k, String.valueOf(v)));
        return config;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
