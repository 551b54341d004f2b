package io.mqttbridge.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.connect.ConnectCluster;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * worker (embedded, KRaft), creates the MQTT source connector through the REST API from the same JSON file an
 * operator would PUT, publishes JSON telemetry from a few simulated ESP32 sensors at QoS 1, and prints every record
 * that reached Kafka with its MQTT headers.
 *
 * <p>Arguments: the connector JSON file, and the number of messages per sensor.
 */
public final class QuickStart {
    private static final List<String> SENSORS = List.of("esp32-01", "esp32-02", "esp32-03");
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: QuickStart CONNECTOR_JSON [MESSAGES_PER_SENSOR]");
            System.exit(2);
        }
        Path connectorJson = Path.of(args[0]);
        int perSensor = args.length > 1 ? Integer.parseInt(args[1]) : 30;
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
                    + (records.size() >= total ? ": quick start OK" : ": MISSING MESSAGES"));
                if (records.size() < total) {
                    System.exit(1);
                }
            }
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
