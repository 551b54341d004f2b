package io.mqttbridge.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated ESP32 sensor nodes, one MQTT 5 client each, behaving as the firmware of a plant-floor node would: a last
 * will {@code plant/ID/status = {"state":"offline"}} (retained), a retained {@code {"state":"online",...}} on
 * connect, JSON readings on {@code plant/ID/telemetry} at QoS 1, and commands on {@code plant/ID/commands} (QoS 1)
 * that the node applies (the {@value #LED} and {@value #INTERVAL} settings) and reports back: at once in its retained
 * status, and in every later reading.
 */
final class SensorFleet implements AutoCloseable {
    static final String LED = "led";
    static final String INTERVAL = "interval_s";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Sensor> sensors = new ArrayList<>();

    private SensorFleet() {
    }

    /** Connects one client per id to {@code brokerUri} and subscribes each to its commands. */
    static SensorFleet connect(String brokerUri, List<String> ids) throws MqttException {
        SensorFleet fleet = new SensorFleet();
        try {
            for (int i = 0; i < ids.size(); i++) {
                fleet.sensors.add(new Sensor(ids.get(i), i, brokerUri));
            }
        } catch (MqttException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    List<String> ids() {
        return sensors.stream().map(s -> s.id).toList();
    }

    /** One reading from every sensor, at QoS 1, each returning once the broker acknowledged it. */
    void publishReadings() throws MqttException {
        for (Sensor sensor : sensors) {
            sensor.publishReading();
        }
    }

    /** Readings published so far, all sensors. */
    long readingsPublished() {
        return sensors.stream().mapToLong(s -> s.seq.get()).sum();
    }

    /** The commands a sensor received, oldest first, as JSON text. */
    List<String> commandsReceived(String id) {
        return sensor(id).commands;
    }

    /** The value of a setting as the sensor applied it, e.g. {@code led}. */
    String applied(String id, String setting) {
        Object value = sensor(id).settings.get(setting);
        return value == null ? null : value.toString();
    }

    /** Disconnects every sensor cleanly (no last will); never throws. */
    @Override
    public void close() {
        for (Sensor sensor : sensors) {
            sensor.close();
        }
    }

    private Sensor sensor(String id) {
        return sensors.stream().filter(s -> s.id.equals(id)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("No sensor " + id));
    }

    /** One node: its client, its settings and its sequence counter. */
    private static final class Sensor {
        private final String id;
        private final int index;
        private final MqttClient client;
        private final AtomicLong seq = new AtomicLong();
        private final Map<String, Object> settings = new ConcurrentHashMap<>();
        private final List<String> commands = new CopyOnWriteArrayList<>();
        // Paho's callback thread must not wait for a PUBACK: status reports go out from here.
        private final ExecutorService reports = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sensor-reports");
            t.setDaemon(true);
            return t;
        });

        Sensor(String id, int index, String brokerUri) throws MqttException {
            this.id = id;
            this.index = index;
            settings.put(LED, "on");
            settings.put(INTERVAL, 1);
            client = new MqttClient(brokerUri, "demo-" + id, new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setAutomaticReconnect(true);
            options.setWill(topic("status"), message(Map.of("state", "offline"), true));
            client.connect(options);
            // (Paho 1.2.5's subscribe(String, int, listener) recurses forever: the array form works.)
            client.subscribe(new MqttSubscription[] {new MqttSubscription(topic("commands"), 1)},
                new IMqttMessageListener[] {(topic, message) -> apply(message.getPayload())});
            publishStatus();
        }

        void publishReading() throws MqttException {
            Map<String, Object> reading = new LinkedHashMap<>();
            long n = seq.getAndIncrement();
            reading.put("sensor", id);
            reading.put("seq", n);
            reading.put("temperature", 20.0 + index + (n % 10) / 10.0);
            reading.put("humidity", 40 + n % 7);
            reading.put(LED, String.valueOf(settings.get(LED)));
            client.publish(topic("telemetry"), message(reading, false));
        }

        /** Applies the settings a command names (a shadow delta's {@code state}, or the object itself). */
        private void apply(byte[] payload) throws IOException, MqttException {
            String text = new String(payload, StandardCharsets.UTF_8);
            commands.add(text);
            JsonNode command = JSON.readTree(payload);
            JsonNode state = command.has("state") && command.get("state").isObject() ? command.get("state") : command;
            if (state.hasNonNull(LED)) {
                settings.put(LED, state.get(LED).asText());
            }
            if (state.hasNonNull(INTERVAL) && state.get(INTERVAL).canConvertToInt()) {
                settings.put(INTERVAL, state.get(INTERVAL).asInt());
            }
            reports.execute(() -> {
                try {
                    publishStatus();
                } catch (MqttException e) {
                    // the next reading carries the applied settings all the same
                }
            });
        }

        private void publishStatus() throws MqttException {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("state", "online");
            status.putAll(settings);
            client.publish(topic("status"), message(status, true));
        }

        private String topic(String leaf) {
            return "plant/" + id + "/" + leaf;
        }

        private static MqttMessage message(Map<String, Object> body, boolean retained) {
            try {
                MqttMessage message = new MqttMessage(JSON.writeValueAsBytes(body));
                message.setQos(1);
                message.setRetained(retained);
                return message;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Not JSON: " + body, e);
            }
        }

        void close() {
            reports.shutdownNow();
            try {
                if (client.isConnected()) {
                    client.disconnect();
                }
            } catch (MqttException e) {
                // the broker may be gone already; the last will says so
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                // nothing left to release
            }
        }
    }
}
