package io.mqttbridge.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.aws.AwsIotEmulator;
import io.mqttbridge.testkit.connect.ConnectCluster;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.tls.TlsMaterial;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The quick start: starts an MQTT broker (Mosquitto when installed, else an embedded one), Kafka and a Connect
 * worker (embedded, KRaft), creates the MQTT source and sink connectors through the REST API from the same JSON files
 * an operator would PUT ({@code config/mqtt-source.json}, {@code config/mqtt-sink.json}), publishes JSON telemetry
 * from a few simulated ESP32 sensors at QoS 1 and prints records that reached Kafka with their MQTT headers, then
 * writes a command per device to Kafka and shows each device receiving it over MQTT.
 *
 * <p>Arguments: the config directory, and the number of messages per sensor.
 */
public final class QuickStart {
    private static final List<String> SENSORS = List.of("esp32-01", "esp32-02", "esp32-03");
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: QuickStart CONFIG_DIR [MESSAGES_PER_SENSOR]");
            System.exit(2);
        }
        boolean ok = run(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 30);
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the whole pipeline once with {@code perSensor} telemetry messages per sensor.
     *
     * @return whether every message, command and cloud change arrived where it should
     */
    public static boolean run(Path configDir, int perSensor) throws Exception {
        Path connectorJson = configDir.resolve("mqtt-source.json");
        Map<String, String> config = readConnectorConfig(connectorJson);
        String kafkaTopic = config.get("kafka.topic");
        String name = config.getOrDefault("name", "mqtt-source");

        say("starting an MQTT broker");
        try (MqttBroker broker = MqttBrokers.start(BrokerConfig.plain())) {
            say("MQTT broker: " + broker.kind() + " at " + broker.tcpUri());
            say("starting Kafka and a Connect worker (embedded, KRaft)");
            try (ConnectCluster connect = ConnectCluster.start()) {
                config.put("mqtt.server.uris", broker.tcpUri());
                config.put("mqtt.persistence.dir", Files.createTempDirectory("mqtt-bridge-quickstart").toString());
                say("creating connector '" + name + "' through REST from " + connectorJson);
                connect.putConnector(name, config);
                connect.awaitRunning(name, 1, Duration.ofSeconds(60));

                int total = perSensor * SENSORS.size();
                say("publishing " + total + " JSON telemetry messages at QoS 1 from " + SENSORS);
                publishTelemetry(broker.tcpUri(), perSensor);

                List<ConsumerRecord<byte[], byte[]>> records = connect.consume(kafkaTopic, total, Duration.ofSeconds(60));
                for (ConsumerRecord<byte[], byte[]> r : records.subList(0, Math.min(records.size(), 6))) {
                    say(String.format(Locale.ROOT, "kafka %s[%d]@%d key=%s value=%s headers={%s}", r.topic(),
                        r.partition(), r.offset(), text(r.key()), text(r.value()), headers(r)));
                }
                say(records.size() + " of " + total + " messages reached Kafka topic '" + kafkaTopic + "'"
                    + (records.size() >= total ? ": telemetry OK" : ": MISSING MESSAGES"));
                boolean commandsOk = sendCommands(connect, broker.tcpUri(), configDir.resolve("mqtt-sink.json"));
                boolean cloudOk = awsShadowLoop(connect, broker.tcpUri(), configDir, perSensor - 1);
                boolean ok = records.size() >= total && commandsOk && cloudOk;
                say(ok ? "quick start OK" : "quick start FAILED");
                return ok;
            }
        }
    }

    /**
     * Creates the MQTT sink from its JSON file, subscribes the simulated devices to their command topics, writes one
     * command per device to the sink's Kafka topic and waits until every device received its own.
     */
    private static boolean sendCommands(ConnectCluster connect, String brokerUri, Path sinkJson) throws Exception {
        Map<String, String> sink = readConnectorConfig(sinkJson);
        sink.put("mqtt.server.uris", brokerUri);
        String commandsTopic = sink.get("topics");
        connect.createTopic(commandsTopic, 1);
        say("creating connector '" + sink.get("name") + "' through REST from " + sinkJson);
        connect.putConnector(sink.get("name"), sink);
        connect.awaitRunning(sink.get("name"), 1, Duration.ofSeconds(60));

        try (MqttSubscriber devices = MqttSubscriber.builder(brokerUri, "plant/+/commands").qos(1)
            .persistentSession(false).connect();
             var producer = connect.embedded().kafka().createProducer(Map.of())) {
            for (String sensor : SENSORS) {
                producer.send(new ProducerRecord<>(commandsTopic, sensor.getBytes(StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(Map.of("led", "on", "interval_s", 10))));
            }
            producer.flush();
            say("wrote a command per device to Kafka topic '" + commandsTopic + "'");
            int delivered = 0;
            for (String sensor : SENSORS) {
                String topic = "plant/" + sensor + "/commands";
                try {
                    MqttSubscriber.Received command = devices.awaitMessage("the command of " + sensor,
                        r -> r.topic().equals(topic), Duration.ofSeconds(60));
                    say("device " + sensor + " got " + command.text() + " on " + topic);
                    delivered++;
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    say("device " + sensor + " got no command");
                }
            }
            say(delivered + " of " + SENSORS.size() + " commands reached their devices"
                + (delivered == SENSORS.size() ? ": commands OK" : ": MISSING COMMANDS"));
            return delivered == SENSORS.size();
        }
    }

    /**
     * The AWS IoT leg against the testkit's emulator (mutual TLS, the documented shadow topics): the shadow sink
     * turns telemetry into each sensor's reported state; the shadow source turns a desired change made "in the cloud"
     * into a record on the commands topic, which the MQTT sink delivers to the device.
     */
    private static boolean awsShadowLoop(ConnectCluster connect, String brokerUri, Path configDir, int lastSeq)
        throws Exception {
        say("starting the AWS IoT Core emulator (mutual TLS, device shadow service)");
        TlsMaterial tls = TlsMaterial.generate(Files.createTempDirectory("quickstart-tls"), List.of("localhost"));
        try (AwsIotEmulator aws = AwsIotEmulator.start(AwsIotEmulator.Config.builder(tls).build());
             MqttSubscriber devices = MqttSubscriber.builder(brokerUri, "plant/+/commands").qos(1)
                 .persistentSession(false).connect()) {
            Map<String, String> endpoint = Map.of("aws.iot.endpoint", aws.host(), "aws.iot.port",
                Integer.toString(aws.port()), "aws.iot.certificate.path", tls.clientCertPem().toString(),
                "aws.iot.private.key.path", tls.clientKeyPem().toString(), "aws.iot.ca.path",
                tls.caCertPem().toString());
            for (String file : List.of("aws-shadow-sink.json", "aws-shadow-source.json")) {
                Map<String, String> config = readConnectorConfig(configDir.resolve(file));
                config.putAll(endpoint);
                say("creating connector '" + config.get("name") + "' through REST from " + configDir.resolve(file));
                connect.putConnector(config.get("name"), config);
                connect.awaitRunning(config.get("name"), 1, Duration.ofSeconds(60));
            }
            int reported = 0;
            for (String sensor : SENSORS) {
                try {
                    org.awaitility.Awaitility.await("the reported state of " + sensor).atMost(Duration.ofSeconds(60))
                        .until(() -> aws.shadow(sensor).map(d -> d.path("state").path("reported").path("seq")
                            .asInt(-1)).orElse(-1) == lastSeq);
                    say("AWS shadow of " + sensor + ": reported " + aws.shadow(sensor).orElseThrow().path("state")
                        .path("reported") + ", version " + aws.shadow(sensor).orElseThrow().path("version"));
                    reported++;
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    say("AWS shadow of " + sensor + " did not reach the last reading");
                }
            }
            String sensor = SENSORS.get(0);
            say("setting desired state {\"led\":\"off\"} of " + sensor + " in the cloud");
            aws.updateDesired(sensor, null, "{\"led\":\"off\"}");
            boolean delivered;
            try {
                MqttSubscriber.Received command = devices.awaitMessage("the desired change at " + sensor,
                    r -> r.topic().equals("plant/" + sensor + "/commands") && r.text().contains("off"),
                    Duration.ofSeconds(60));
                say("device " + sensor + " got " + command.text() + " (shadow delta -> Kafka -> MQTT)");
                delivered = true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                say("device " + sensor + " did not get its desired change");
                delivered = false;
            }
            boolean ok = reported == SENSORS.size() && delivered;
            say("AWS IoT leg: " + reported + " of " + SENSORS.size() + " shadows reported, desired change "
                + (delivered ? "delivered" : "NOT delivered") + (ok ? ": cloud OK" : ": CLOUD LEG FAILED"));
            return ok;
        }
    }

    private static Map<String, String> readConnectorConfig(Path file) throws IOException {
        Map<String, Object> raw = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        Map<String, String> config = new LinkedHashMap<>();
        raw.forEach((k, v) -> config.put(k, String.valueOf(v)));
        return config;
    }

    private static void publishTelemetry(String uri, int perSensor) throws Exception {
        MqttClient client = new MqttClient(uri, "quickstart-sensors", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        try {
            for (int seq = 0; seq < perSensor; seq++) {
                for (int s = 0; s < SENSORS.size(); s++) {
                    String sensor = SENSORS.get(s);
                    Map<String, Object> reading = new LinkedHashMap<>();
                    reading.put("sensor", sensor);
                    reading.put("seq", seq);
                    reading.put("temperature", 20.0 + s + (seq % 10) / 10.0);
                    reading.put("humidity", 40 + seq % 7);
                    MqttMessage message = new MqttMessage(JSON.writeValueAsBytes(reading));
                    message.setQos(1);
                    client.publish("plant/" + sensor + "/telemetry", message);
                }
            }
        } finally {
            client.disconnect();
            client.close();
        }
    }

    private static String headers(ConsumerRecord<byte[], byte[]> record) {
        return java.util.stream.StreamSupport.stream(record.headers().spliterator(), false)
            .map((Header h) -> h.key() + "=" + text(h.value()))
            .collect(Collectors.joining(", "));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void say(String line) {
        System.out.println("[quickstart] " + line);
    }
}
