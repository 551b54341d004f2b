package io.mqttbridge.demo;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoSettingsTest {
    private static DemoSettings settings(int connectPort, int mqttPort) {
        return new DemoSettings(Path.of("config"), connectPort, mqttPort, "jdbc:postgresql://127.0.0.1:5432/postgres",
            "postgres", "", Path.of("plugins"), 3, Duration.ofSeconds(1), "plant_telemetry");
    }

    @Test
    void aTakenPortIsNamedWithThePropertyThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            DemoSettings.PortInUseException e = assertThrows(DemoSettings.PortInUseException.class,
                () -> settings(port, 0).checkPortsFree());
            assertTrue(e.getMessage().contains("Port " + port + " (the Connect REST API) is in use"), e.getMessage());
            assertTrue(e.getMessage().contains("-Ddemo.connect.port=PORT"), e.getMessage());
        }
    }

    @Test
    void portZeroMeansAnyFreePortAndIsNotChecked() {
        settings(0, 0).checkPortsFree();
    }

    @Test
    void sensorsAreNamedLikeTheExampleConfigsDevices() {
        assertEquals(List.of("esp32-01", "esp32-02", "esp32-03"), settings(0, 0).sensorIds());
    }

    @Test
    void badValuesAreRejectedNamingTheProperty() {
        IllegalArgumentException table = assertThrows(IllegalArgumentException.class, () -> new DemoSettings(
            Path.of("config"), 0, 0, "", "", "", Path.of("p"), 3, Duration.ofSeconds(1), "plant; DROP TABLE x"));
        assertTrue(table.getMessage().startsWith(DemoSettings.TABLE), table.getMessage());
        IllegalArgumentException sensors = assertThrows(IllegalArgumentException.class, () -> new DemoSettings(
            Path.of("config"), 0, 0, "", "", "", Path.of("p"), 0, Duration.ofSeconds(1), "t"));
        assertTrue(sensors.getMessage().startsWith(DemoSettings.SENSORS), sensors.getMessage());
    }

    @Test
    void theDemoDatabaseReplacesTheOneInTheServerUrl() {
        assertEquals("jdbc:postgresql://db:5432/mqtt_bridge_demo?ssl=false",
            DemoDatabase.withDatabase("jdbc:postgresql://db:5432/postgres?ssl=false"));
        assertEquals("jdbc:postgresql://db/mqtt_bridge_demo", DemoDatabase.withDatabase("jdbc:postgresql://db"));
    }
}
