package io.mqttbridge.demo;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The twin sink and the twin source acting for the same devices at once, as the pipeline of issue 7 draws them.
 * IoT Hub (and its emulator) allows one MQTT connection per device id and closes the older one when a second
 * connects; each connector's device client then reconnects and takes the connection back, several times a second.
 */
class TwinConnectorsOnSameDevicesIT {
    private static final int READINGS_PER_SENSOR = 10;

    @Test
    @Disabled("Known limitation of cloud-adapters/azure-iot-twin: TwinSinkConnector and TwinSourceConnector for the"
        + " same devices take each other's IoT Hub connection endlessly (one connection per device id); reported patches"
        + " stall for some devices. Needs one device session shared by both directions (e.g. the sink following"
        + " desired changes too). Fails in about 30 s: 12 or more hub connections for 3 devices; in longer runs a"
        + " device's reported state stalls for minutes.")
    void bothTwinConnectorsServeTheSameDevicesWithoutFightingOverTheirConnections() throws Exception {
        DemoSettings settings = DemoSettings.fromSystemProperties(Path.of("..", "config")).withPorts(0, 0)
            .withTable("plant_telemetry_twin_it", Duration.ofSeconds(1));
        try (Pipeline pipeline = Pipeline.start(settings, System.out::println, List.of(Pipeline.MQTT_SOURCE,
            Pipeline.AZURE_SINK, Pipeline.MQTT_SINK, Pipeline.AZURE_SOURCE))) {
            for (int n = 0; n < READINGS_PER_SENSOR; n++) {
                pipeline.sensors().publishReadings();
            }
            Awaitility.await("the twin source's devices registered").atMost(Duration.ofSeconds(60))
                .until(() -> pipeline.azure().deviceIds().containsAll(pipeline.sensors().ids()));
            for (String id : pipeline.sensors().ids()) {
                pipeline.azure().updateDesired(id, "{\"interval_s\":42}");
            }
            Awaitility.await("every reading reported and every desired change on its device")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> pipeline.sensors().ids().stream().allMatch(id ->
                    pipeline.azure().reported(id).path("seq").asInt(-1) == READINGS_PER_SENSOR - 1
                        && "42".equals(pipeline.sensors().applied(id, SensorFleet.INTERVAL))));
            long connections = pipeline.azure().acceptedConnectionCount();
            assertTrue(connections <= 2L * settings.sensors() + 2,
                "hub connections accepted: " + connections + " for " + settings.sensors() + " devices, two connectors");
        }
    }
}
