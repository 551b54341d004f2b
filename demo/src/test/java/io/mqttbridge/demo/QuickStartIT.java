package io.mqttbridge.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's pipeline headless, from the files in {@code config/}: every telemetry message reaches Kafka and each
 * sensor's AWS shadow, every command reaches its device, and a desired change made in the cloud reaches the device.
 */
class QuickStartIT {
    @Test
    void thePipelineDeliversEveryMessageCommandAndCloudChange() throws Exception {
        assertTrue(QuickStart.run(Path.of("..", "config"), 20), "the quick start reports what was missing above");
    }
}
