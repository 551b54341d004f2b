package io.mqttbridge.azure;

import io.mqttbridge.testkit.azure.IotHubEmulator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two workers acting for the same device, each with its own registry of shared connections (as two worker JVMs
 * have): IoT Hub, like its emulator, closes the older connection whenever the other connects, and the SDKs reconnect
 * at once, so each registry sees its connection lost again and again and reports the contention.
 */
class ContendedConnectionIT {
    private static final String DEVICE = "contended-1";

    @Test
    void twoWorkersConnectingAsTheSameDeviceAreReportedAsContended(@TempDir Path dir) throws Exception {
        try (IotHubEmulator hub = IotHubEmulator.start(dir.resolve("hub"), "contended-hub.azure-devices.net")) {
            String key = hub.registerDevice(DEVICE);
            Map<String, String> props = new HashMap<>();
            props.put("name", "contended");
            props.put("kafka.topic", "contended");
            props.put("iothub.hostname", hub.hostName());
            props.put("iothub.gateway.hostname", hub.gatewayHost());
            props.put("iothub.ssl.truststore.location", hub.tls().caCertPem().toString());
            props.put("iothub.ssl.truststore.type", "PEM");
            props.put("iothub.auth.mode", "device.key");
            props.put("iothub.device.ids", DEVICE);
            props.put("iothub.device.keys", DEVICE + "=" + key);
            IotHubSettings settings = new TwinSourceConfig(props).hubSettings();
            DeviceCredentials credentials = new DeviceCredentials(settings);

            AtomicInteger contended = new AtomicInteger();
            DeviceSessionListener listener = new DeviceSessionListener() {
                @Override
                public void connectionContended(String deviceId, int losses) {
                    contended.incrementAndGet();
                }
            };
            DeviceSession first = new SharedDeviceSessions(System::nanoTime)
                .factory(new SdkDeviceSessionFactory(credentials, settings), credentials::routeOf)
                .open(DEVICE, listener);
            DeviceSession second = new SharedDeviceSessions(System::nanoTime)
                .factory(new SdkDeviceSessionFactory(credentials, settings), credentials::routeOf)
                .open(DEVICE, listener);
            try {
                Awaitility.await("the contention reported").atMost(Duration.ofSeconds(60))
                    .until(() -> contended.get() > 0);
            } finally {
                first.close();
                second.close();
            }
        }
    }
}
